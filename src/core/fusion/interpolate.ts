/**
 * Weight interpolation rules for backbone fusion (METHOD.md section 2), on flattened tensors:
 * - slerp(w0, w1, t): spherical linear interpolation of the flattened tensors,
 *   Omega = arccos(<w0/|w0|, w1/|w1|>), slerp = sin((1-t)Omega)/sin(Omega) w0 + sin(t Omega)/sin(Omega) w1,
 *   falling back to linear interpolation when |cos Omega| > 0.9995 (nearly parallel).
 * - sphericalMean(ws, weights): the N-model generalisation chosen here: normalise each tensor,
 *   take the weighted mean direction, renormalise, and rescale by the weighted mean norm; the
 *   same near-parallel fallback (every pair's |cos| > 0.9995) uses the linear weighted mean.
 * - linearMean(ws, weights): element-wise weighted mean.
 * All accumulate in f64 and return new Float32Arrays.
 */
import { InvalidArgumentError } from '../errors';

export const PARALLEL_COS = 0.9995;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

function checkSameLength(ws: readonly Float32Array[]): void {
  if (ws.length === 0) throw new InvalidArgumentError('fusion needs at least one tensor');
  const n = ws[0].length;
  for (const w of ws) {
    if (w.length !== n) throw new InvalidArgumentError(`fusion: tensors differ in size (${n} vs ${w.length}); the sources are not mergeable`);
  }
}

function normaliseWeights(k: number, weights?: readonly number[]): number[] {
  const w = weights ? [...weights] : new Array<number>(k).fill(1);
  if (w.length !== k) throw new InvalidArgumentError(`fusion: ${w.length} weights for ${k} tensors`);
  const s = w.reduce((a, b) => a + b, 0);
  if (!(s > 0) || w.some((x) => x < 0)) throw new InvalidArgumentError('fusion weights must be non-negative and sum to more than zero');
  return w.map((x) => x / s);
}

export function linearMean(ws: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  checkSameLength(ws);
  const w = normaliseWeights(ws.length, weights);
  const n = ws[0].length;
  const acc = new Float64Array(n);
  ws.forEach((t, k) => addScaled(acc, t, w[k]));
  return Float32Array.from(acc);
}

function addScaled(acc: Float64Array, t: Float32Array, w: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] += w * t[i];
}

/**
 * linearMean over `count` tensors fetched one at a time (`get(k)`), so only one input is held
 * besides the f64 sums: the same sums in the same order, so the same result.
 */
export async function linearMeanStreamed(count: number, get: (k: number) => Promise<Float32Array>, weights?: readonly number[]): Promise<Float32Array> {
  if (count === 0) throw new InvalidArgumentError('fusion needs at least one tensor');
  const w = normaliseWeights(count, weights);
  let acc: Float64Array | null = null;
  for (let k = 0; k < count; k++) {
    const t = await get(k);
    acc ??= new Float64Array(t.length);
    if (t.length !== acc.length) throw new InvalidArgumentError(`fusion: tensors differ in size (${acc.length} vs ${t.length}); the sources are not mergeable`);
    addScaled(acc, t, w[k]);
  }
  return Float32Array.from(acc!);
}

/** Cosine of the angle between two flattened tensors (0 when either is zero). */
export function cosine(a: Float32Array, b: Float32Array): number {
  const na = norm(a);
  const nb = norm(b);
  return na === 0 || nb === 0 ? 0 : dot(a, b) / (na * nb);
}

export function slerp(w0: Float32Array, w1: Float32Array, t: number): Float32Array {
  checkSameLength([w0, w1]);
  if (!(t >= 0 && t <= 1)) throw new InvalidArgumentError(`slerp: t must lie in [0, 1], got ${t}`);
  const c = cosine(w0, w1);
  if (Math.abs(c) > PARALLEL_COS || norm(w0) === 0 || norm(w1) === 0) {
    return linearMean([w0, w1], [1 - t, t]);
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, c)));
  const s = Math.sin(omega);
  const a = Math.sin((1 - t) * omega) / s;
  const b = Math.sin(t * omega) / s;
  const out = new Float32Array(w0.length);
  for (let i = 0; i < w0.length; i++) out[i] = a * w0[i] + b * w1[i];
  return out;
}

export function sphericalMean(ws: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  checkSameLength(ws);
  const w = normaliseWeights(ws.length, weights);
  const norms = ws.map(norm);
  if (norms.some((x) => x === 0)) return linearMean(ws, w);
  let allParallel = true;
  for (let i = 0; i < ws.length && allParallel; i++) {
    for (let j = i + 1; j < ws.length; j++) {
      if (Math.abs(cosine(ws[i], ws[j])) <= PARALLEL_COS) {
        allParallel = false;
        break;
      }
    }
  }
  if (allParallel) return linearMean(ws, w);
  const n = ws[0].length;
  const dir = new Float64Array(n);
  ws.forEach((t, k) => {
    const f = w[k] / norms[k];
    for (let i = 0; i < n; i++) dir[i] += f * t[i];
  });
  let dn = 0;
  for (let i = 0; i < n; i++) dn += dir[i] * dir[i];
  dn = Math.sqrt(dn);
  // Directions that cancel out have no mean direction: the linear mean is the only sane answer.
  if (dn < 1e-12) return linearMean(ws, w);
  const scale = norms.reduce((s, x, k) => s + w[k] * x, 0) / dn;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dir[i] * scale;
  return out;
}
