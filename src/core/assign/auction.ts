/**
 * Forward auction (Bertsekas) with epsilon scaling on the sparse candidate graph, Gauss-Seidel
 * (one bidder at a time, FIFO queue). Prices in f64. A bid of row i raises the price of its best
 * column j* to make j* exactly eps worse than i's second-best column, so on exit every assigned
 * row is eps-optimal: C_ij* - p_j* >= max_j (C_ij - p_j) - eps over its candidate edges.
 * Each phase divides eps by `theta` and re-opens only the rows that break the tighter bound.
 * The auction gives near-optimal prices cheaply; exactness comes afterwards from the augmenting-
 * path repair (augment.ts) and the dense certificate (certificate.ts).
 */
import type { CandidateGraph } from './candidates';

export interface MatchState {
  n: number;
  rowToCol: Int32Array;
  colToRow: Int32Array;
  /** C[i, rowToCol[i]] in f64 (NaN when row i is free). */
  matchedW: Float64Array;
  /** Column prices (max form). */
  prices: Float64Array;
}

export function emptyState(n: number, prices?: Float64Array): MatchState {
  return {
    n,
    rowToCol: new Int32Array(n).fill(-1),
    colToRow: new Int32Array(n).fill(-1),
    matchedW: new Float64Array(n).fill(NaN),
    prices: prices ?? new Float64Array(n),
  };
}

export interface AuctionOptions {
  epsStart: number;
  epsFinal: number;
  /** Factor by which eps shrinks per phase. */
  theta?: number;
  /** Give up a phase after this many bids per row (leaving rows free for the repair). */
  maxBidsPerRow?: number;
}

export interface AuctionStats {
  phases: number;
  bids: number;
  /** Rows left free because a phase hit its bid budget. */
  unfinished: number;
}

export function auction(g: CandidateGraph, st: MatchState, opts: AuctionOptions): AuctionStats {
  const { n, rowPtr, cols, w } = g;
  const { rowToCol, colToRow, matchedW, prices } = st;
  const theta = opts.theta ?? 6;
  const budget = (opts.maxBidsPerRow ?? 200) * n;
  const queue = new Int32Array(n + 1);
  let head = 0;
  let tail = 0;
  let size = 0;
  const push = (i: number): void => {
    queue[tail] = i;
    tail = tail === n ? 0 : tail + 1;
    size++;
  };
  let eps = Math.max(opts.epsStart, opts.epsFinal);
  let bids = 0;
  let phases = 0;
  for (;;) {
    phases++;
    // Re-open rows that violate eps-optimality at the current eps (all free rows too).
    for (let i = 0; i < n; i++) {
      const j0 = rowToCol[i];
      if (j0 < 0) { push(i); continue; }
      const own = matchedW[i] - prices[j0];
      let best = -Infinity;
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
        const pr = w[e] - prices[cols[e]];
        if (pr > best) best = pr;
      }
      if (best - own > eps) {
        rowToCol[i] = -1;
        colToRow[j0] = -1;
        matchedW[i] = NaN;
        push(i);
      }
    }
    let phaseBids = 0;
    while (size > 0) {
      if (phaseBids >= budget) break;
      const i = queue[head];
      head = head === n ? 0 : head + 1;
      size--;
      let best = -Infinity;
      let second = -Infinity;
      let bj = -1;
      let bw = 0;
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
        const j = cols[e];
        const pr = w[e] - prices[j];
        if (pr > best) {
          second = best;
          best = pr;
          bj = j;
          bw = w[e];
        } else if (pr > second) second = pr;
      }
      // A row with a single candidate bids as if its alternative were far worse.
      if (second === -Infinity) second = best - 1e3 * eps;
      prices[bj] += best - second + eps;
      const old = colToRow[bj];
      colToRow[bj] = i;
      rowToCol[i] = bj;
      matchedW[i] = bw;
      if (old >= 0) {
        rowToCol[old] = -1;
        matchedW[old] = NaN;
        push(old);
      }
      phaseBids++;
    }
    bids += phaseBids;
    if (size > 0) {
      // Budget hit: leave the remaining rows free; the exact repair will place them.
      const unfinished = size;
      head = tail = size = 0;
      return { phases, bids, unfinished };
    }
    if (eps <= opts.epsFinal) break;
    eps = Math.max(eps / theta, opts.epsFinal);
  }
  return { phases, bids, unfinished: 0 };
}
