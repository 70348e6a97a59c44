/**
 * Sparse candidate graph of the hybrid solver: the best k columns of every row, the best k rows
 * of every column, and the diagonal (i, i). The diagonal guarantees that the graph holds a perfect
 * matching (the identity), so the auction always terminates and every augmenting-path search
 * finds a free column. Optimality on the full dense matrix is not assumed: the certificate
 * (certificate.ts) checks it and adds the missing edges (addEdges).
 *
 * One pass over the row-major matrix finds both lists: per-row and per-column "k largest so
 * far" buffers with their current minimum as the entry threshold, so almost every element costs
 * two comparisons. This is the CPU reference of the best-k WGSL pass.
 */
import { InvalidArgumentError } from '../errors';
import type { ScoreMatrix } from './types';

/** Row-compressed sparse graph; w holds C[i, cols[e]] in f64. */
export interface CandidateGraph {
  n: number;
  rowPtr: Int32Array;
  cols: Int32Array;
  w: Float64Array;
}

export interface BestK {
  k: number;
  /** [n, k] column indices of each row's k largest entries (unordered). */
  rowCols: Int32Array;
  /** [n, k] row indices of each column's k largest entries (unordered). */
  colRows: Int32Array;
  /** Largest entry, and smallest of the rows' k-th largest entries: the range of scores that
   * the auction competes over (sets its first epsilon and the certificate's scale). */
  min: number;
  max: number;
}

/**
 * The k largest entries of every row and every column (k is clamped to n). With prices p and
 * row values U (from an auction), rows rank columns by the reduced profit C_ij - p_j and columns
 * rank rows by C_ij - U_i: the candidates that can still improve the current dual solution.
 */
export function bestK(c: ScoreMatrix, n: number, kIn: number, duals?: { prices: Float64Array; rowValues: Float64Array }): BestK {
  if (c.length !== n * n) throw new InvalidArgumentError(`bestK: matrix has ${c.length} entries, expected ${n}^2`);
  const k = Math.max(1, Math.min(kIn, n));
  const rowCols = new Int32Array(n * k);
  const rowVals = new Float64Array(k);
  const colRows = new Int32Array(n * k);
  const colVals = new Float64Array(n * k);
  const colMin = new Float64Array(n);
  const colMinAt = new Int32Array(n);
  const p = duals?.prices ?? new Float64Array(n);
  const uRow = duals?.rowValues ?? new Float64Array(n);
  let gmin = Infinity;
  let gmax = -Infinity;
  // The first k rows fill every column's list; after that a row enters a column's list only
  // when it beats the list's minimum. Rows and columns are scanned in two tight loops over the
  // same (cached) row rather than one loop with four branches: that halves the time in V8.
  for (let i = 0; i < n; i++) {
    const base = i * n;
    const ro = i * k;
    for (let t = 0; t < k; t++) {
      rowVals[t] = c[base + t] - p[t];
      rowCols[ro + t] = t;
    }
    let rmin = Infinity;
    let rminAt = 0;
    for (let t = 0; t < k; t++) if (rowVals[t] < rmin) { rmin = rowVals[t]; rminAt = t; }
    for (let j = k; j < n; j++) {
      const x = c[base + j] - p[j];
      if (x > rmin) {
        rowVals[rminAt] = x;
        rowCols[ro + rminAt] = j;
        rmin = Infinity;
        for (let t = 0; t < k; t++) if (rowVals[t] < rmin) { rmin = rowVals[t]; rminAt = t; }
      }
    }
    let rmax = -Infinity;
    for (let t = 0; t < k; t++) if (rowVals[t] > rmax) rmax = rowVals[t];
    if (rmax > gmax) gmax = rmax;
    if (rmin < gmin) gmin = rmin;
    const ui = uRow[i];
    if (i < k) {
      for (let j = 0; j < n; j++) {
        colVals[j * k + i] = c[base + j] - ui;
        colRows[j * k + i] = i;
      }
      if (i === k - 1) for (let j = 0; j < n; j++) refreshMin(colVals, j * k, k, colMin, colMinAt, j);
      continue;
    }
    for (let j = 0; j < n; j++) {
      const x = c[base + j] - ui;
      if (x > colMin[j]) {
        const co = j * k;
        colVals[co + colMinAt[j]] = x;
        colRows[co + colMinAt[j]] = i;
        refreshMin(colVals, co, k, colMin, colMinAt, j);
      }
    }
  }
  if (!Number.isFinite(gmin) || !Number.isFinite(gmax)) {
    throw new InvalidArgumentError('bestK: the matrix contains NaN or infinite scores; fix the correlation input (dead neurons must be 0, not NaN).');
  }
  return { k, rowCols, colRows, min: gmin, max: gmax };
}

function refreshMin(vals: Float64Array, o: number, k: number, mins: Float64Array, at: Int32Array, j: number): void {
  let m = Infinity;
  let a = 0;
  for (let t = 0; t < k; t++) if (vals[o + t] < m) { m = vals[o + t]; a = t; }
  mins[j] = m;
  at[j] = a;
}

/** Union of the best-k lists and the diagonal as a CSR graph (duplicates removed). */
export function buildCandidateGraph(c: ScoreMatrix, n: number, bk: BestK): CandidateGraph {
  const { k, rowCols, colRows } = bk;
  const deg = new Int32Array(n);
  const mark = new Int32Array(n).fill(-1);
  // Column lists contribute edges to other rows: bucket them by row first.
  const byRowPtr = new Int32Array(n + 1);
  for (let q = 0; q < n * k; q++) byRowPtr[colRows[q] + 1]++;
  for (let i = 0; i < n; i++) byRowPtr[i + 1] += byRowPtr[i];
  const byRowCol = new Int32Array(n * k);
  const fill = byRowPtr.slice(0, n);
  for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) byRowCol[fill[colRows[j * k + t]]++] = j;

  const visit = (i: number, f: (j: number) => void): void => {
    const stamp = i;
    const take = (j: number): void => {
      if (mark[j] !== stamp) {
        mark[j] = stamp;
        f(j);
      }
    };
    take(i);
    for (let t = 0; t < k; t++) take(rowCols[i * k + t]);
    for (let q = byRowPtr[i]; q < byRowPtr[i + 1]; q++) take(byRowCol[q]);
  };
  for (let i = 0; i < n; i++) visit(i, () => deg[i]++);
  mark.fill(-1);
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + deg[i];
  const cols = new Int32Array(rowPtr[n]);
  const w = new Float64Array(rowPtr[n]);
  for (let i = 0; i < n; i++) {
    let e = rowPtr[i];
    visit(i, (j) => {
      cols[e] = j;
      w[e] = c[i * n + j];
      e++;
    });
  }
  return { n, rowPtr, cols, w };
}

/** A new graph with extra (row, col) edges added where missing. */
export function addEdges(g: CandidateGraph, c: ScoreMatrix, extra: { row: number; col: number }[]): CandidateGraph {
  const n = g.n;
  const add = new Map<number, number[]>();
  for (const { row, col } of extra) {
    let l = add.get(row);
    if (!l) add.set(row, (l = []));
    l.push(col);
  }
  const mark = new Int32Array(n).fill(-1);
  const rowPtr = new Int32Array(n + 1);
  const newCols: number[][] = [];
  for (let i = 0; i < n; i++) {
    const l = add.get(i);
    const fresh: number[] = [];
    if (l) {
      for (let e = g.rowPtr[i]; e < g.rowPtr[i + 1]; e++) mark[g.cols[e]] = i;
      for (const j of l) if (mark[j] !== i) { mark[j] = i; fresh.push(j); }
    }
    newCols.push(fresh);
    rowPtr[i + 1] = rowPtr[i] + (g.rowPtr[i + 1] - g.rowPtr[i]) + fresh.length;
  }
  const cols = new Int32Array(rowPtr[n]);
  const w = new Float64Array(rowPtr[n]);
  for (let i = 0; i < n; i++) {
    let e = rowPtr[i];
    for (let f = g.rowPtr[i]; f < g.rowPtr[i + 1]; f++, e++) {
      cols[e] = g.cols[f];
      w[e] = g.w[f];
    }
    for (const j of newCols[i]) {
      cols[e] = j;
      w[e] = c[i * n + j];
      e++;
    }
  }
  return { n, rowPtr, cols, w };
}
