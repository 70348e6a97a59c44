// AdamW and gradient clipping against torch (goldens), schedules, and the seeded data order.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { microBatches, trainWindows, WindowSampler } from './data';
import { adamwUpdate, clipFactor, learningRate, sumSquares } from './optim';

const optim = (JSON.parse(readFileSync(new URL('../../model/train/fixtures/train_goldens.json', import.meta.url), 'utf8')) as {
  optim: {
    adamw: { init: number[]; lr: number; betas: [number, number]; eps: number; weightDecay: number; grads: number[][]; after: number[][] };
    clip: { grads: number[][]; maxNorm: number; norm: number; clipped: number[][] };
  };
}).optim;

describe('optimiser', () => {
  it('AdamW equals torch.optim.AdamW (bias correction, decoupled weight decay)', () => {
    const a = optim.adamw;
    const p = Float64Array.from(a.init);
    const m = new Float64Array(p.length);
    const v = new Float64Array(p.length);
    a.grads.forEach((g, i) => {
      adamwUpdate(p, g, m, v, { lr: a.lr, beta1: a.betas[0], beta2: a.betas[1], eps: a.eps, weightDecay: a.weightDecay, step: i + 1, gradScale: 1 });
      a.after[i].forEach((x, j) => expect(Math.abs(p[j] - x)).toBeLessThan(2e-6));
    });
  });

  it('global-norm clipping equals torch.nn.utils.clip_grad_norm_', () => {
    const c = optim.clip;
    const norm = Math.sqrt(c.grads.reduce((s, g) => s + sumSquares(g), 0));
    expect(norm).toBeCloseTo(c.norm, 5);
    const f = clipFactor(norm, c.maxNorm);
    c.clipped.forEach((g, i) => g.forEach((x, j) => expect(c.grads[i][j] * f).toBeCloseTo(x, 6)));
    expect(clipFactor(0.5, 1)).toBe(1);
    expect(clipFactor(10, null)).toBe(1);
  });

  it('warmup + cosine: linear ramp, peak at the end of warmup, decays to the floor', () => {
    const s = { kind: 'cosine', warmupSteps: 4, minRatio: 0.1 } as const;
    expect(learningRate(s, 1, 0, 20)).toBeCloseTo(0.25, 12);
    expect(learningRate(s, 1, 3, 20)).toBeCloseTo(1, 12);
    expect(learningRate(s, 1, 4, 20)).toBeCloseTo(1, 12);
    expect(learningRate(s, 1, 12, 20)).toBeCloseTo(0.55, 12);
    expect(learningRate(s, 1, 20, 20)).toBeCloseTo(0.1, 12);
    expect(learningRate({ kind: 'constant' }, 3e-4, 99, 20)).toBe(3e-4);
  });
});

describe('seeded data order', () => {
  const streams = [Int32Array.from({ length: 50 }, (_, i) => i), Int32Array.from({ length: 33 }, (_, i) => 100 + i)];
  const windows = trainWindows(streams, 8);

  it('cuts full windows only, and every epoch is a permutation of all windows', () => {
    expect(windows.length).toBe(6 + 4);
    const s = new WindowSampler(windows, 3);
    const ep0 = Array.from({ length: 10 }, () => s.next()[0]);
    const ep1 = Array.from({ length: 10 }, () => s.next()[0]);
    expect([...ep0].sort((a, b) => a - b)).toEqual(windows.map((w) => w[0]).sort((a, b) => a - b));
    expect([...ep1].sort((a, b) => a - b)).toEqual([...ep0].sort((a, b) => a - b));
    expect(ep1).not.toEqual(ep0);
  });

  it('is reproducible from the seed and resumes from a saved cursor', () => {
    const a = new WindowSampler(windows, 9);
    const b = new WindowSampler(windows, 9);
    expect(a.nextStep(21).map((w) => w[0])).toEqual(b.nextStep(21).map((w) => w[0]));
    const cursor = a.save();
    const rest = Array.from({ length: 15 }, () => a.next()[0]);
    const c = new WindowSampler(windows, 9, cursor);
    expect(Array.from({ length: 15 }, () => c.next()[0])).toEqual(rest);
    expect(new WindowSampler(windows, 10).nextStep(70).map((w) => w[0])).not.toEqual(new WindowSampler(windows, 9).nextStep(70).map((w) => w[0]));
  });

  it('a step reaches the token batch; micro-batches split it', () => {
    const s = new WindowSampler(windows, 1);
    expect(s.nextStep(15).length).toBe(3); // 7 scored predictions per window
    expect(microBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
