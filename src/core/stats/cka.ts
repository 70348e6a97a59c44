/**
 * Linear CKA (METHOD.md section 5; Kornblith et al. 2019) of two representations X [T, p] and
 * Y [T, q] of the same T tokens, columns centred:
 *   CKA = ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F)
 * From moments it needs only the covariances (the 1/T factors cancel), so no [T, d] tensor has
 * to leave the GPU. A representation with zero variance has no CKA with anything: 0 is returned.
 * `linearCka` works on raw matrices and is the reference for the moment form.
 */
import { InvalidArgumentError } from '../errors';
import type { MomentAccumulator } from './moments';

function frob2(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

/** CKA from the covariances cov(X) [p, p], cov(Y) [q, q] and cov(X, Y) [p, q] (any layout of the cross block). */
export function linearCkaFromCovariances(covXX: Float64Array, covYY: Float64Array, covXY: Float64Array): number {
  const den = Math.sqrt(frob2(covXX)) * Math.sqrt(frob2(covYY));
  if (den === 0) return 0;
  const v = frob2(covXY) / den;
  // Cauchy-Schwarz bounds CKA by 1; rounding may overshoot by an ulp.
  return Math.min(1, Math.max(0, v));
}

/** CKA between streams a and b of an accumulator (needs selfFull and the pair). */
export function linearCkaFromMoments(m: MomentAccumulator, a: number, b: number): number {
  return linearCkaFromCovariances(m.covariance(a), m.covariance(b), m.crossCovariance(a, b));
}

/** CKA matrix over a list of streams (e.g. the experts' outputs at one layer). */
export function ckaMatrix(m: MomentAccumulator, streams: readonly number[]): Float64Array {
  const k = streams.length;
  const out = new Float64Array(k * k);
  const covs = streams.map((s) => m.covariance(s));
  for (let i = 0; i < k; i++) {
    out[i * k + i] = 1;
    for (let j = i + 1; j < k; j++) {
      const v = linearCkaFromCovariances(covs[i], covs[j], m.crossCovariance(streams[i], streams[j]));
      out[i * k + j] = v;
      out[j * k + i] = v;
    }
  }
  return out;
}

/** Reference: CKA of raw row-major X [T, p] and Y [T, q] (f64, two-pass centring). */
export function linearCka(x: ArrayLike<number>, y: ArrayLike<number>, T: number, p: number, q: number): number {
  if (x.length !== T * p || y.length !== T * q) throw new InvalidArgumentError('linearCka: shapes do not match');
  const xc = centre(x, T, p);
  const yc = centre(y, T, q);
  return linearCkaFromCovariances(gram(xc, xc, T, p, p), gram(yc, yc, T, q, q), gram(xc, yc, T, p, q));
}

function centre(x: ArrayLike<number>, T: number, d: number): Float64Array {
  const out = new Float64Array(T * d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += x[t * d + j];
    const mu = s / T;
    for (let t = 0; t < T; t++) out[t * d + j] = x[t * d + j] - mu;
  }
  return out;
}

/** A^T B for A [T, p], B [T, q]. */
function gram(a: Float64Array, b: Float64Array, T: number, p: number, q: number): Float64Array {
  const g = new Float64Array(p * q);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < p; i++) {
      const ai = a[t * p + i];
      const r = i * q;
      for (let j = 0; j < q; j++) g[r + j] += ai * b[t * q + j];
    }
  }
  return g;
}
