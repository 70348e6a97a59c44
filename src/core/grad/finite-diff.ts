/**
 * Central finite differences in f64, the oracle for every backward reference:
 *   df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)
 * The error is O(eps^2) truncation plus O(ulp(f) / eps) rounding; eps = 1e-5 on O(1) inputs
 * gives ~1e-9 agreement for smooth functions. A vector output is reduced to a scalar by a fixed
 * random projection L = sum_i y_i r_i, whose gradient with respect to y is r.
 */
import { Rng } from '../rng';

export interface GradCheck {
  /** max |analytic - numeric| over the checked coordinates. */
  maxAbsErr: number;
  /** max |analytic - numeric| / max(1, |numeric|). */
  maxRelErr: number;
  checked: number;
}

/**
 * Compare `analytic` (the gradient of f at x) with central differences on `coords` (all
 * coordinates when omitted). x is perturbed in place and restored.
 */
export function checkGradient(
  f: () => number, x: Float64Array, analytic: ArrayLike<number>, coords?: ArrayLike<number>, eps = 1e-5,
): GradCheck {
  let maxAbsErr = 0;
  let maxRelErr = 0;
  const idx = coords ?? Array.from({ length: x.length }, (_, i) => i);
  for (let n = 0; n < idx.length; n++) {
    const i = idx[n];
    const x0 = x[i];
    x[i] = x0 + eps;
    const fp = f();
    x[i] = x0 - eps;
    const fm = f();
    x[i] = x0;
    const num = (fp - fm) / (2 * eps);
    const err = Math.abs(analytic[i] - num);
    maxAbsErr = Math.max(maxAbsErr, err);
    maxRelErr = Math.max(maxRelErr, err / Math.max(1, Math.abs(num)));
  }
  return { maxAbsErr, maxRelErr, checked: idx.length };
}

/** A seeded f64 array of uniforms in [lo, hi). */
export function rand64(rng: Rng, n: number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/** sum_i y_i r_i: the scalar whose gradient with respect to y is r. */
export function project(y: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}

/** `count` distinct random coordinates of an array of length n (all when count >= n). */
export function sampleCoords(rng: Rng, n: number, count: number): Int32Array {
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return rng.permutation(n).subarray(0, count);
}

/** checkGradient for an asynchronous objective (a model step on a backend). */
export async function checkGradientAsync(
  f: () => Promise<number>, x: Float64Array, analytic: ArrayLike<number>, coords: ArrayLike<number>, eps = 1e-5,
): Promise<GradCheck> {
  let maxAbsErr = 0;
  let maxRelErr = 0;
  for (let n = 0; n < coords.length; n++) {
    const i = coords[n];
    const x0 = x[i];
    x[i] = x0 + eps;
    const fp = await f();
    x[i] = x0 - eps;
    const fm = await f();
    x[i] = x0;
    const num = (fp - fm) / (2 * eps);
    const err = Math.abs(analytic[i] - num);
    maxAbsErr = Math.max(maxAbsErr, err);
    maxRelErr = Math.max(maxRelErr, err / Math.max(1, Math.abs(num)));
  }
  return { maxAbsErr, maxRelErr, checked: coords.length };
}
