// A trainer checkpoint the stage cache refuses (here: the store's quota error) does not stop
// training, but every later step, the pause message and the summary say that a reload will not
// resume the run from there (CPU backend, demo models, in Node).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../core/cpu-backend';
import type { BackendTensor, ComputeBackend } from '../../core/backend';
import { MemoryStageStore, type StageMeta } from '../../io/stage-store';
import { createEngine } from '../engine';
import { nodeDemoAssets } from '../testing/demo-files';
import type { TrainRequest, TrainStep } from '../studio-types';

/** A store whose quota refuses trainer checkpoints (as IndexedDB's QuotaExceededError would). */
class FullStore extends MemoryStageStore {
  override put(meta: StageMeta, value: unknown): Promise<void> {
    if (meta.stage === 'train') return Promise.reject(new Error('QuotaExceededError: the quota has been exceeded'));
    return super.put(meta, value);
  }
}

const ctx = <P,>(signal = new AbortController().signal, progress: (e: P) => void = () => {}) => ({ signal, progress });

describe('trainer checkpoints the stage cache refuses', () => {
  it('are reported with every later step, on pause and in the summary', { timeout: 300_000 }, async () => {
    const be = new CpuBackend() as unknown as ComputeBackend<BackendTensor>;
    const store = new FullStore();
    const e = createEngine({ demo: nodeDemoAssets(), backend: () => Promise.resolve(be), stages: store });
    await e.loadSources!({ refs: [{ kind: 'demo', id: 'demo/prose' }, { kind: 'demo', id: 'demo/code' }] }, ctx());
    await e.setRoles!({ anchor: 0, experts: [0, 1], domains: ['prose', 'code'] }, ctx());
    await e.calibrate!({ domains: [{ name: 'prose', builtin: true }, { name: 'code', builtin: true }], tokensPerDomain: 128, seqLen: 32 }, ctx());
    await e.align!({ partial: 1 }, ctx());
    await e.merge!({ backbone: { rule: 'symphony', slerpT: 0.5 }, topK: 1, normTopkProb: false, routerInit: 'centroids', baselines: [], dropRatio: 0, seed: 0 }, ctx());
    const req: TrainRequest = { model: 'symphony', scope: 'router', steps: 4, lr: 5e-3, batchTokens: 64, seqLen: 32, balanceCoef: 0.01, warmupSteps: 0, seed: 0, checkpointEvery: 1 };
    const steps: TrainStep[] = [];
    const ac = new AbortController();
    const paused = e.train!(req, ctx(ac.signal, (st: TrainStep) => { steps.push(st); if (st.step === 2) ac.abort(); }));
    await expect(paused).rejects.toThrow(/paused at step 2; .*did not fit the stage cache.*a reload will not resume/);
    expect(steps[0].checkpointWarning).toBeUndefined();
    expect(steps[1].checkpointWarning).toMatch(/step 1 did not fit the stage cache/);
    const done = await e.train!(req, ctx());
    expect(done.steps).toBe(4);
    expect(done.checkpointWarning).toMatch(/step 4 did not fit the stage cache/);
    // The other stages were cached; the refused checkpoints left no entry.
    expect((await store.list()).map((m) => m.stage).sort()).toEqual(['alignment', 'calibration', 'merge']);
  });
});
