import { beforeEach, describe, expect, it } from 'vitest';
import { useStudio } from '../state/store';
import type { TrainSummary } from '../workers/studio-types';
import { applyRestore, restoreLine } from './restore';

const summary = (steps: number): TrainSummary => ({
  model: 'symphony', steps, balancedAux: 2, heldOutLossBefore: 3, heldOutLossAfter: 3,
  history: Array.from({ length: steps }, (_, i) => ({ step: i + 1, lmLoss: 3, auxLoss: 2, gradNorm: 1, lr: 1e-3, tokensPerSec: 1, expertLoad: [], routerEntropy: 1 })),
});
const built = [{ id: 'symphony', label: 'Symphony', kind: 'symphony' as const, experts: 4, topK: 2, parameters: 1, trained: true }];

describe('applying what the engine restored', () => {
  beforeEach(() => {
    const s = useStudio.getState();
    for (const id of ['calibration', 'alignment', 'cka', 'merge', 'train', 'evaluate'] as const) s.setStageStatus(id, 'done');
    s.setTrainConfig({ model: 'symphony', steps: 6 });
    // Five steps were shown before the reload; the last checkpoint was at step 4.
    s.resetTrainHistory('symphony');
    for (const h of summary(5).history) s.pushTrainStep('symphony', h);
  });

  it('resumes a paused run at its checkpoint: the history ends there and Resume is offered', () => {
    applyRestore({ stages: ['calibration', 'alignment', 'cka', 'merge', 'train'].map((stage) => ({ stage: stage as 'train', status: 'restored' as const })), built, training: [{ model: 'symphony', summary: summary(4), totalSteps: 6, finished: false }] });
    const s = useStudio.getState();
    expect(s.trainHistory.map((h) => h.step)).toEqual([1, 2, 3, 4]);
    expect(s.trainPaused).toBe(true);
    expect(s.stageStatus.train).toBe('idle');
    expect(s.stageStatus.merge).toBe('done');
    expect(s.built[0].trained).toBe(true);
    expect(restoreLine(s.restoreReport!)).toEqual({ restored: 'Calibration, Alignment, CKA, Merge, Train', again: '' });
  });

  it('sends a stage that did not come back, and every later one, back to "not started"', () => {
    applyRestore({
      stages: [{ stage: 'calibration', status: 'restored' }, { stage: 'alignment', status: 'stale', message: 'A cached permutation does not fit the FFN width. Run the stage again.' }, { stage: 'merge', status: 'missing' }],
      built: [], training: [],
    });
    const s = useStudio.getState();
    expect(s.stageStatus.calibration).toBe('done');
    for (const id of ['alignment', 'cka', 'merge', 'train', 'evaluate'] as const) expect(s.stageStatus[id]).toBe('idle');
    expect(restoreLine(s.restoreReport!).again).toMatch(/^Alignment \(A cached permutation .*\), Merge$/);
  });
});
