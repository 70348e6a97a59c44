/**
 * Merge and Stage-2 settings the studio applies when the built-in demo family is loaded, and
 * that the demo acceptance test (src/workers/session/demo-training.test.ts) trains with.
 * - Routers start from the calibration centroids of each expert's domain: every demo source has
 *   a domain, and a random router gives no domain routing within a short CPU run.
 * - A short router-only run: 40 steps of 512 tokens (about 26k tokens, a few minutes on the CPU
 *   trainer) at a constant learning rate of 1e-2; lambda = 0.01 as in METHOD.md.
 */
import type { BackboneRule, RouterInit, TrainScope } from './recipe';

export interface DemoPreset {
  merge: { backbone: { rule: BackboneRule; slerpT: number }; topK: number; normTopkProb: boolean; routerInit: Extract<RouterInit, 'random' | 'centroids'> };
  train: { scope: TrainScope; steps: number; lr: number; batchTokens: number; seqLen: number; balanceCoef: number; warmupSteps: number; seed: number };
}

export const DEMO_PRESET: DemoPreset = {
  merge: { backbone: { rule: 'symphony', slerpT: 0.5 }, topK: 2, normTopkProb: true, routerInit: 'centroids' },
  train: { scope: 'router', steps: 40, lr: 1e-2, batchTokens: 512, seqLen: 128, balanceCoef: 0.01, warmupSteps: 0, seed: 0 },
};
