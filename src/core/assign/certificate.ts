/**
 * Optimality certificate over the FULL dense matrix (CPU reference of the WGSL pass).
 * Given an assignment sigma and column prices p (max form), set
 *   U_i = C_i,sigma(i) - p_sigma(i)            (complementary slackness holds by construction)
 *   M_i = max_j (C_ij - p_j)                  (the smallest row value that is dual feasible)
 * The violation of row i is M_i - U_i >= 0, i.e. the largest reduced profit
 * C_ij - U_i - p_j over all columns. (M, p) is an exactly feasible dual, so
 *   optimum <= sum_i M_i + sum_j p_j  and  gap = dual bound - primal = sum_i (M_i - U_i).
 * A row is rejected when its violation exceeds `tol`; when no row is rejected the assignment is
 * within n * tol (in fact within the reported `gap`) of the optimum.
 * opts.rows restricts the check to some rows (the solver's incremental rounds); such a partial
 * result has NaN totals and never stands in for the final full pass, unless opts.settled says
 * that a sound dense filter (e.g. the GPU pass, LapCertifier in hybrid.ts) has shown every other
 * row to have no column reaching its matched reduced profit: then M_i = U_i exactly for those
 * rows (violation 0) and the totals cover all n rows.
 */
import { InvalidArgumentError } from '../errors';
import { isPermutation, type ScoreMatrix } from './types';

/** Per checked row r (aligned with certify's opts.rows): when count[r] <= k, the columns
 * cols[r k .. r k + count[r]) are the only ones besides sigma(i) whose reduced profit can reach
 * the matched one's (a sound device filter says so); otherwise the whole row is scanned. */
export interface NearColumns {
  k: number;
  cols: Int32Array;
  count: Int32Array;
}

export interface Certificate {
  ok: boolean;
  tol: number;
  /** sum_i C[i, sigma(i)] in f64. */
  primal: number;
  /** sum_i M_i + sum_j p_j: an upper bound on every assignment's total. */
  dualBound: number;
  /** sum_i max(0, M_i - U_i): dualBound - primal without its cancellation. */
  gap: number;
  /** max_i (M_i - U_i). */
  maxViolation: number;
  /** Rows whose violation exceeds tol. */
  rejected: Int32Array;
  /** For each rejected row, the column of its largest reduced profit. */
  rejectedBestCol: Int32Array;
  /** The rows checked here in f64 (null: all n). */
  checkedRows: Int32Array | null;
  /** With opts.topK = k: [n, k] the k columns of largest reduced profit C_ij - p_j of every
   * row (unordered); the candidates that a repair should add. Empty otherwise. */
  topCols: Int32Array;
  topK: number;
}

/** Default tolerance: 1e-11 of the largest |score| (at least 1e-11 absolute). */
export function defaultTolerance(scale: number): number {
  return 1e-11 * Math.max(1, Math.abs(scale));
}

export function certify(
  c: ScoreMatrix, n: number, rowToCol: Int32Array, prices: Float64Array, tol: number,
  opts: { topK?: number; rows?: Int32Array; settled?: boolean; near?: NearColumns } = {},
): Certificate {
  if (!isPermutation(rowToCol, n)) throw new InvalidArgumentError('certify: rowToCol is not a permutation of 0..n-1');
  let primal = 0;
  let gap = 0;
  let maxV = 0;
  let sumM = 0;
  const rej: number[] = [];
  const rejCol: number[] = [];
  const k = Math.min(n, Math.max(0, opts.topK ?? 0));
  const topCols = new Int32Array(n * k);
  const topVals = new Float64Array(k);
  const rows = opts.rows;
  const count = rows ? rows.length : n;
  for (let r = 0; r < count; r++) {
    const i = rows ? rows[r] : r;
    const base = i * n;
    let m = -Infinity;
    let at = -1;
    // The row sum costs one add per entry and is the only place that sees every score: NaN
    // never wins a comparison, so without it a NaN would pass silently.
    let rowSum = 0;
    const nc = opts.near && rows ? opts.near.count[r] : -1;
    if (nc >= 0 && nc <= opts.near!.k) {
      // A sound filter listed every column that can reach the matched one: scan only those.
      const { k: kn, cols } = opts.near!;
      const s = rowToCol[i];
      m = c[base + s] - prices[s];
      at = s;
      for (let t = 0; t < nc; t++) {
        const j = cols[r * kn + t];
        const x = c[base + j] - prices[j];
        if (x > m) {
          m = x;
          at = j;
        }
      }
      for (let t = 0; t < k; t++) topCols[i * k + t] = t < nc ? cols[r * kn + t] : s;
    } else if (k === 0) {
      for (let j = 0; j < n; j++) {
        const cij = c[base + j];
        rowSum += cij;
        const x = cij - prices[j];
        if (x > m) {
          m = x;
          at = j;
        }
      }
    } else {
      // Same pass, also keeping the k best reduced profits (entry threshold = their minimum).
      const o = i * k;
      for (let t = 0; t < k; t++) {
        topVals[t] = c[base + t] - prices[t];
        topCols[o + t] = t;
        rowSum += c[base + t];
      }
      let tmin = Infinity;
      let tminAt = 0;
      for (let t = 0; t < k; t++) if (topVals[t] < tmin) { tmin = topVals[t]; tminAt = t; }
      for (let j = k; j < n; j++) {
        const cij = c[base + j];
        rowSum += cij;
        const x = cij - prices[j];
        if (x > tmin) {
          topVals[tminAt] = x;
          topCols[o + tminAt] = j;
          tmin = Infinity;
          for (let t = 0; t < k; t++) if (topVals[t] < tmin) { tmin = topVals[t]; tminAt = t; }
        }
      }
      for (let t = 0; t < k; t++) if (topVals[t] > m) { m = topVals[t]; at = topCols[o + t]; }
    }
    if (!Number.isFinite(rowSum)) {
      throw new InvalidArgumentError(`certify: row ${i} of the score matrix contains NaN or infinite values; dead neurons must have correlation 0, not NaN.`);
    }
    const s = rowToCol[i];
    const cs = c[base + s];
    primal += cs;
    const viol = m - (cs - prices[s]);
    sumM += m;
    if (viol > 0) gap += viol;
    if (viol > maxV) maxV = viol;
    if (viol > tol) {
      rej.push(i);
      rejCol.push(at);
    }
  }
  let sumP = 0;
  for (let j = 0; j < n; j++) sumP += prices[j];
  if (rows && opts.settled) {
    // Rows settled by the filter: M_i = U_i, so they add C_i,sigma(i) to the primal and U_i to sum M.
    const seen = new Uint8Array(n);
    for (const i of rows) seen[i] = 1;
    for (let i = 0; i < n; i++) {
      if (seen[i]) continue;
      const s = rowToCol[i];
      const cs = c[i * n + s];
      primal += cs;
      sumM += cs - prices[s];
    }
  }
  // A partial check (opts.rows without opts.settled) certifies nothing about the totals.
  const partial = rows !== undefined && rows.length !== n && !opts.settled;
  return {
    ok: rej.length === 0, tol, primal: partial ? NaN : primal, dualBound: partial ? NaN : sumM + sumP, gap: partial ? NaN : gap, maxViolation: maxV,
    rejected: Int32Array.from(rej), rejectedBestCol: Int32Array.from(rejCol), checkedRows: rows ?? null, topCols, topK: k,
  };
}

/** Columns of row i whose reduced profit exceeds `threshold`, the `cap` largest first. */
export function violatingColumns(c: ScoreMatrix, n: number, i: number, prices: Float64Array, threshold: number, cap: number): number[] {
  const hits: { j: number; x: number }[] = [];
  const base = i * n;
  for (let j = 0; j < n; j++) {
    const x = c[base + j] - prices[j];
    if (x > threshold) hits.push({ j, x });
  }
  hits.sort((a, b) => b.x - a.x);
  return hits.slice(0, cap).map((h) => h.j);
}

/** Split f64 prices into f32 (hi, lo) pairs for the GPU filter: hi + lo = p to ~2^-48 relative. */
export function splitPrices(prices: Float64Array): Float32Array {
  const out = new Float32Array(2 * prices.length);
  for (let j = 0; j < prices.length; j++) {
    const hi = Math.fround(prices[j]);
    out[2 * j] = hi;
    out[2 * j + 1] = prices[j] - hi;
  }
  return out;
}

/**
 * CPU reference of the WGSL certificate filter (shaders/lap_certify.wgsl), in f64:
 * gap_i = max_{j != sigma(i)} (C_ij - p_j) - (C_i,sigma(i) - p_sigma(i)) and its argmax
 * (lowest column on ties; -1 and -Infinity when n = 1), and absMax_i = max_j |C_ij|, which
 * bounds the filter's f32 error (filterMargins).
 */
export function certifyFilterRef(c: ScoreMatrix, n: number, rowToCol: Int32Array, prices: Float64Array): { gap: Float64Array; col: Int32Array; absMax: Float64Array } {
  const gap = new Float64Array(n);
  const col = new Int32Array(n);
  const absMax = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = rowToCol[i];
    let m = -Infinity;
    let at = -1;
    let a = 0;
    for (let j = 0; j < n; j++) {
      a = Math.max(a, Math.abs(c[i * n + j]));
      if (j === s) continue;
      const x = c[i * n + j] - prices[j];
      if (x > m) {
        m = x;
        at = j;
      }
    }
    gap[i] = m - (c[i * n + s] - prices[s]);
    col[i] = at;
    absMax[i] = a;
  }
  return { gap, col, absMax };
}

/**
 * Error bound of the f32 filter per row. Each reduced profit is computed as (C_ij - hi_j) - lo_j
 * with correctly rounded f32 operations (WGSL), an error of at most about 2u (|C_ij| + |p_j|),
 * u = 2^-24; the gap subtracts two of them: 4u (absMax_i + max |p|) < 2.4e-7 (...). The margin
 * is 1e-6 (absMax_i + max |p|) (a factor 4 of safety) plus 1e-30 for flushed subnormals.
 */
export const FILTER_MARGIN_REL = 1e-6;

export function filterMargins(absMax: ArrayLike<number>, prices: Float64Array): Float64Array {
  const pmax = maxAbs(prices);
  return Float64Array.from({ length: absMax.length }, (_, i) => FILTER_MARGIN_REL * (absMax[i] + pmax) + 1e-30);
}

export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let j = 0; j < v.length; j++) m = Math.max(m, Math.abs(v[j]));
  return m;
}
