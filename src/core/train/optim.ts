/**
 * Optimiser maths, f64 on host arrays (the CPU reference; a GPU backend runs the same update as a
 * kernel): AdamW with bias correction and decoupled weight decay (Loshchilov & Hutter; the
 * torch.optim.AdamW update), global gradient-norm clipping, and the learning-rate schedules.
 *
 * AdamW at step t (1-based), gradient g already multiplied by the clip factor:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * wd * p                                   (decoupled decay, before the Adam step)
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * Clipping (torch.nn.utils.clip_grad_norm_): factor = min(1, maxNorm / (||g||_2 + 1e-6)) over
 * all trainable tensors together.
 */

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export interface AdamWStep extends AdamWOptions {
  lr: number;
  /** 1-based step number, for the bias correction. */
  step: number;
  /** Multiplies the gradient first (the clip factor). */
  gradScale: number;
}

/** One AdamW update of p in place; m and v are the moment buffers (updated in place). */
export function adamwUpdate(p: Float64Array | Float32Array, g: ArrayLike<number>, m: Float64Array | Float32Array, v: Float64Array | Float32Array, o: AdamWStep): void {
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2 = 1 - o.beta2 ** o.step;
  const decay = 1 - o.lr * o.weightDecay;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] * o.gradScale;
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
    p[i] = p[i] * decay - (o.lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + o.eps);
  }
}

export function sumSquares(g: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

/** The factor that scales the gradients to global norm <= maxNorm (null: no clipping). */
export function clipFactor(globalNorm: number, maxNorm: number | null): number {
  if (maxNorm === null || !Number.isFinite(maxNorm)) return 1;
  return Math.min(1, maxNorm / (globalNorm + 1e-6));
}

export type LrSchedule =
  | { kind: 'constant' }
  /** Linear warmup from 0 over warmupSteps, then cosine decay to minRatio * lr at totalSteps. */
  | { kind: 'cosine'; warmupSteps: number; minRatio?: number };

/** Learning rate of 0-based step `step` out of totalSteps. */
export function learningRate(s: LrSchedule, baseLr: number, step: number, totalSteps: number): number {
  if (s.kind === 'constant') return baseLr;
  const w = Math.max(0, s.warmupSteps);
  if (step < w) return (baseLr * (step + 1)) / w;
  const span = Math.max(1, totalSteps - w);
  const t = Math.min(1, (step - w) / span);
  const min = (s.minRatio ?? 0) * baseLr;
  return min + 0.5 * (baseLr - min) * (1 + Math.cos(Math.PI * t));
}
