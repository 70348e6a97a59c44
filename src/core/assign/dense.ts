/**
 * Dense exact linear assignment: the shortest augmenting path method of Jonker-Volgenant in
 * the form of Crouse (IEEE TAES 2016), the algorithm behind scipy.optimize.linear_sum_assignment.
 * One Dijkstra search over the dense reduced costs per row, duals in f64. O(n^3) worst case,
 * about n^2 log n on random matrices. This is the reference path: small problems, tests, and the
 * fallback of the hybrid solver (hybrid.ts).
 */
import { InvalidArgumentError } from '../errors';
import { assignmentObjective, type LapSolution, type ScoreMatrix } from './types';

export interface DenseLapOptions {
  /** Maximise the total score (default) or minimise it. */
  maximize?: boolean;
}

/** Solve the n x n assignment problem on a dense matrix exactly (up to f64 rounding). */
export function solveDenseLap(c: ScoreMatrix, n: number, opts: DenseLapOptions = {}): LapSolution {
  if (c.length !== n * n) throw new InvalidArgumentError(`solveDenseLap: matrix has ${c.length} entries, expected ${n}^2`);
  // Work in min form on sign * C so that one code path serves both senses.
  const sign = opts.maximize === false ? 1 : -1;
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const spc = new Float64Array(n);
  const path = new Int32Array(n);
  const col4row = new Int32Array(n).fill(-1);
  const row4col = new Int32Array(n).fill(-1);
  const sr = new Uint8Array(n);
  const sc = new Uint8Array(n);
  const remaining = new Int32Array(n);
  const scannedRows = new Int32Array(n);
  const scannedCols = new Int32Array(n);

  for (let cur = 0; cur < n; cur++) {
    let minVal = 0;
    let i = cur;
    let numRemaining = n;
    for (let t = 0; t < n; t++) remaining[t] = n - t - 1;
    spc.fill(Infinity);
    let nsr = 0;
    let nsc = 0;
    let sink = -1;
    while (sink === -1) {
      sr[i] = 1;
      scannedRows[nsr++] = i;
      let index = -1;
      let lowest = Infinity;
      const base = i * n;
      const ui = u[i];
      for (let t = 0; t < numRemaining; t++) {
        const j = remaining[t];
        const r = minVal + sign * c[base + j] - ui - v[j];
        if (r < spc[j]) {
          path[j] = i;
          spc[j] = r;
        }
        const s = spc[j];
        // Prefer a free column on ties: it ends the search sooner.
        if (s < lowest || (s === lowest && row4col[j] === -1)) {
          lowest = s;
          index = t;
        }
      }
      minVal = lowest;
      if (index < 0 || minVal === Infinity) {
        throw new InvalidArgumentError('solveDenseLap: the matrix has no finite assignment (check for NaN or infinite scores).');
      }
      const j = remaining[index];
      if (row4col[j] === -1) sink = j;
      else i = row4col[j];
      sc[j] = 1;
      scannedCols[nsc++] = j;
      remaining[index] = remaining[--numRemaining];
    }
    u[cur] += minVal;
    for (let t = 0; t < nsr; t++) {
      const r = scannedRows[t];
      if (r !== cur) u[r] += minVal - spc[col4row[r]];
      sr[r] = 0;
    }
    for (let t = 0; t < nsc; t++) {
      const j = scannedCols[t];
      v[j] -= minVal - spc[j];
      sc[j] = 0;
    }
    let j = sink;
    for (;;) {
      const r = path[j];
      row4col[j] = r;
      const prev = col4row[r];
      col4row[r] = j;
      j = prev;
      if (r === cur) break;
    }
  }
  // Max-form prices: p_j = -v_j when maximising (U_i = -u_i).
  const prices = new Float64Array(n);
  for (let j = 0; j < n; j++) prices[j] = sign === -1 ? -v[j] : v[j];
  return { rowToCol: col4row, colToRow: row4col, prices, objective: assignmentObjective(c, n, col4row) };
}
