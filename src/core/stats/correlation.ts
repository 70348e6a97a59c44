/**
 * Correlation matrices from moments (METHOD.md section 2: S = Z_anchor^T Z_i / T).
 * corr_ij = cov_ij / (std_i std_j), computed in f64 and returned as f32 (the assignment input).
 *
 * Dead neurons: a neuron whose standard deviation is at most `deadRel` times the largest standard
 * deviation of its model at that layer (or exactly 0) carries no signal, and its z-score would
 * divide by ~0. Its correlations with every neuron are defined as 0 (never NaN), so the matcher
 * is indifferent about where it goes: dead neurons take whatever positions are left over, which
 * changes nothing (a dead neuron's contribution to the FFN output is a constant). The dead
 * indices are returned so diagnostics can report them.
 */
import { InvalidArgumentError } from '../errors';
import type { MomentAccumulator } from './moments';

export interface CorrelationResult {
  /** [dims[a], dims[b]] row-major. */
  corr: Float32Array;
  rows: number;
  cols: number;
  deadRows: Int32Array;
  deadCols: Int32Array;
}

export const DEFAULT_DEAD_REL = 1e-6;

/** Standard deviations with dead neurons marked (std set to 0). */
export function liveStd(variance: Float64Array, deadRel = DEFAULT_DEAD_REL): { std: Float64Array; dead: Int32Array } {
  let maxStd = 0;
  const std = new Float64Array(variance.length);
  for (let i = 0; i < std.length; i++) {
    std[i] = Math.sqrt(Math.max(0, variance[i]));
    if (std[i] > maxStd) maxStd = std[i];
  }
  const dead: number[] = [];
  for (let i = 0; i < std.length; i++) {
    if (std[i] === 0 || std[i] <= deadRel * maxStd) {
      std[i] = 0;
      dead.push(i);
    }
  }
  return { std, dead: Int32Array.from(dead) };
}

/** Correlation from a covariance block and the two standard deviation vectors (0 = dead). */
export function correlationFromCovariance(cov: Float64Array, stdA: Float64Array, stdB: Float64Array): Float32Array {
  const p = stdA.length;
  const q = stdB.length;
  if (cov.length !== p * q) throw new InvalidArgumentError(`correlationFromCovariance: ${cov.length} entries for ${p} x ${q}`);
  const out = new Float32Array(p * q);
  for (let i = 0; i < p; i++) {
    const si = stdA[i];
    if (si === 0) continue;
    for (let j = 0; j < q; j++) {
      const sj = stdB[j];
      if (sj === 0) continue;
      const r = cov[i * q + j] / (si * sj);
      out[i * q + j] = r > 1 ? 1 : r < -1 ? -1 : r;
    }
  }
  return out;
}

/** Correlation matrix between streams a (rows) and b (columns) of an accumulator. */
export function correlationFromMoments(m: MomentAccumulator, a: number, b: number, deadRel = DEFAULT_DEAD_REL): CorrelationResult {
  const A = liveStd(m.variance(a), deadRel);
  const B = liveStd(m.variance(b), deadRel);
  const corr = correlationFromCovariance(m.crossCovariance(a, b), A.std, B.std);
  return { corr, rows: m.dims[a], cols: m.dims[b], deadRows: A.dead, deadCols: B.dead };
}
