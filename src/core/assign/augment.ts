/**
 * Exact shortest-augmenting-path repair (Jonker-Volgenant) on the sparse candidate graph.
 * For each free row: Dijkstra over columns with reduced costs r_ij = U_i + p_j - C_ij >= 0
 * (max form; U_i = C_i,sigma(i) - p_sigma(i) for matched rows, and the row maximum for the free
 * row), stopping at the first free column; then the prices of the scanned columns rise by
 * (D - dist_j) and the path is flipped. This keeps every matched pair tight and every candidate
 * edge feasible, so when no row is free the matching is optimal on the graph.
 * Reduced costs that rounding (or a row kept within the certificate's tolerance) leaves slightly
 * negative are clamped at 0: the error stays below that tolerance and the dense certificate has
 * the last word anyway.
 */
import { InternalAssignError } from './errors';
import type { CandidateGraph } from './candidates';
import type { MatchState } from './auction';
import { MinHeap } from './heap';

export class Augmenter {
  private readonly dist: Float64Array;
  private readonly pred: Int32Array;
  private readonly predW: Float64Array;
  private readonly done: Uint8Array;
  private readonly touched: Int32Array;
  private readonly scanned: Int32Array;
  private readonly heap = new MinHeap(4096);
  /** Columns finalised by Dijkstra, summed over all searches (work measure). */
  scannedTotal = 0;
  /** Columns whose price or row changed since the last takeDirtyRows(). */
  private readonly dirty: Uint8Array;
  private dirtyList: number[] = [];

  constructor(n: number) {
    this.dist = new Float64Array(n).fill(Infinity);
    this.pred = new Int32Array(n);
    this.predW = new Float64Array(n);
    this.done = new Uint8Array(n);
    this.touched = new Int32Array(n);
    this.scanned = new Int32Array(n);
    this.dirty = new Uint8Array(n);
  }

  /**
   * Rows matched to a column whose price or row changed since the last call. Prices only rise,
   * so every other row's certificate violation max_j (C_ij - p_j) - U_i can only have fallen:
   * these are the only rows an incremental certificate needs to re-check.
   */
  takeDirtyRows(st: MatchState): Int32Array {
    const out = new Int32Array(this.dirtyList.length);
    let m = 0;
    for (const j of this.dirtyList) {
      this.dirty[j] = 0;
      const r = st.colToRow[j];
      if (r >= 0) out[m++] = r;
    }
    this.dirtyList = [];
    return out.subarray(0, m);
  }

  /** Place the free row `start`; throws if the graph has no augmenting path from it. */
  augment(g: CandidateGraph, st: MatchState, start: number): void {
    const { rowPtr, cols, w } = g;
    const { rowToCol, colToRow, matchedW, prices } = st;
    const { dist, pred, predW, done, touched, scanned, heap } = this;
    let nt = 0;
    let ns = 0;
    heap.clear();
    let ui = -Infinity;
    for (let e = rowPtr[start]; e < rowPtr[start + 1]; e++) {
      const pr = w[e] - prices[cols[e]];
      if (pr > ui) ui = pr;
    }
    for (let e = rowPtr[start]; e < rowPtr[start + 1]; e++) {
      const j = cols[e];
      const d = ui - (w[e] - prices[j]);
      if (d < dist[j]) {
        if (dist[j] === Infinity) touched[nt++] = j;
        dist[j] = d;
        pred[j] = start;
        predW[j] = w[e];
        heap.push(d, j);
      }
    }
    let sink = -1;
    let D = 0;
    while (heap.size > 0) {
      const d = heap.topKey();
      const j = heap.pop();
      if (done[j] || d > dist[j]) continue;
      done[j] = 1;
      scanned[ns++] = j;
      const r = colToRow[j];
      if (r < 0) {
        sink = j;
        D = d;
        break;
      }
      const ur = matchedW[r] - prices[j];
      for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) {
        const j2 = cols[e];
        if (done[j2]) continue;
        let rc = ur - (w[e] - prices[j2]);
        if (rc < 0) rc = 0;
        const nd = d + rc;
        if (nd < dist[j2]) {
          if (dist[j2] === Infinity) touched[nt++] = j2;
          dist[j2] = nd;
          pred[j2] = r;
          predW[j2] = w[e];
          heap.push(nd, j2);
        }
      }
    }
    if (sink < 0) {
      for (let t = 0; t < nt; t++) { dist[touched[t]] = Infinity; done[touched[t]] = 0; }
      throw new InternalAssignError(`no augmenting path from row ${start} in the candidate graph (it must contain a perfect matching)`);
    }
    for (let t = 0; t < ns; t++) {
      const j = scanned[t];
      prices[j] += D - dist[j];
      if (!this.dirty[j]) {
        this.dirty[j] = 1;
        this.dirtyList.push(j);
      }
    }
    this.scannedTotal += ns;
    let j = sink;
    for (;;) {
      const r = pred[j];
      const prev = rowToCol[r];
      rowToCol[r] = j;
      colToRow[j] = r;
      matchedW[r] = predW[j];
      if (r === start) break;
      j = prev;
    }
    for (let t = 0; t < nt; t++) {
      dist[touched[t]] = Infinity;
      done[touched[t]] = 0;
    }
  }
}

/**
 * Free every row whose matched edge is more than `tol` worse (in reduced profit) than its best
 * candidate edge, then re-place all free rows. Returns the number of rows placed.
 */
export function exactify(g: CandidateGraph, st: MatchState, aug: Augmenter, tol: number): number {
  const { rowPtr, cols, w } = g;
  const { n, rowToCol, colToRow, matchedW, prices } = st;
  const free: number[] = [];
  for (let i = 0; i < n; i++) {
    const j0 = rowToCol[i];
    if (j0 < 0) { free.push(i); continue; }
    const own = matchedW[i] - prices[j0];
    let best = -Infinity;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const pr = w[e] - prices[cols[e]];
      if (pr > best) best = pr;
    }
    if (best - own > tol) {
      rowToCol[i] = -1;
      colToRow[j0] = -1;
      matchedW[i] = NaN;
      free.push(i);
    }
  }
  for (const i of free) aug.augment(g, st, i);
  return free.length;
}
