/**
 * Per-layer alignment diagnostics (METHOD.md section 4): mean matched correlation before
 * (identity) and after (the permutation), the fraction of fixed points, histograms of the
 * matched correlations, and the weight cosine between the anchor's and the expert's FFN before
 * and after the permutation (alignment matters wherever FFN weights are averaged).
 */
import { InvalidArgumentError } from '../errors';
import { isPermutation } from '../assign/types';
import { permuteSwiGlu, type FfnAxis, type SwiGluFfn } from './apply';

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: number[];
  counts: number[];
}

export interface AlignmentDiagnostics {
  n: number;
  meanBefore: number;
  meanAfter: number;
  /** Fraction of positions j with perm[j] = j. */
  fixedPointFraction: number;
  histogramBefore: Histogram;
  histogramAfter: Histogram;
  /** Present when the two FFNs were given. */
  weightCosineBefore?: number;
  weightCosineAfter?: number;
}

/** corr[j, perm[j]] for every position j (corr is [n, n] anchor x model). */
export function matchedCorrelations(corr: ArrayLike<number>, n: number, perm: ArrayLike<number>): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = corr[j * n + perm[j]];
  return out;
}

export function histogram(values: ArrayLike<number>, bins = 20, lo = -1, hi = 1): Histogram {
  const edges = Array.from({ length: bins + 1 }, (_, b) => lo + ((hi - lo) * b) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor(((values[i] - lo) / (hi - lo)) * bins);
    counts[Math.min(bins - 1, Math.max(0, b))]++;
  }
  return { edges, counts };
}

/** Cosine between the flattened (gate, up, down) weights of two FFNs of the same shape. */
export function ffnCosine(a: SwiGluFfn, b: SwiGluFfn): number {
  if (a.hidden !== b.hidden || a.inter !== b.inter) throw new InvalidArgumentError('ffnCosine: the FFNs have different shapes');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const k of ['gate', 'up', 'down'] as const) {
    const x = a[k];
    const y = b[k];
    for (let i = 0; i < x.length; i++) {
      dot += x[i] * y[i];
      na += x[i] * x[i];
      nb += y[i] * y[i];
    }
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export function alignmentDiagnostics(
  corr: ArrayLike<number>, n: number, perm: Int32Array, ffns?: { anchor: SwiGluFfn; expert: SwiGluFfn; axes: readonly FfnAxis[] }, bins = 20,
): AlignmentDiagnostics {
  if (corr.length !== n * n) throw new InvalidArgumentError(`alignmentDiagnostics: ${corr.length} correlations for n = ${n}`);
  if (!isPermutation(perm, n)) throw new InvalidArgumentError('alignmentDiagnostics: perm is not a permutation');
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const before = matchedCorrelations(corr, n, identity);
  const after = matchedCorrelations(corr, n, perm);
  const mean = (v: Float64Array): number => v.reduce((s, x) => s + x, 0) / Math.max(1, n);
  let fixed = 0;
  for (let j = 0; j < n; j++) if (perm[j] === j) fixed++;
  const d: AlignmentDiagnostics = {
    n, meanBefore: mean(before), meanAfter: mean(after), fixedPointFraction: n ? fixed / n : 1,
    histogramBefore: histogram(before, bins), histogramAfter: histogram(after, bins),
  };
  if (ffns) {
    d.weightCosineBefore = ffnCosine(ffns.anchor, ffns.expert);
    d.weightCosineAfter = ffnCosine(ffns.anchor, permuteSwiGlu(ffns.expert, perm, ffns.axes));
  }
  return d;
}
