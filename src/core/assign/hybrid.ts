/**
 * The certified hybrid assignment solver (maximises the total score):
 *   1. best k candidates per row and per column + the diagonal (candidates.ts, dense O(n^2));
 *   2. epsilon-scaling auction on that sparse graph (auction.ts) for near-optimal prices;
 *   3. exact shortest-augmenting-path repair of every row that is not tight (augment.ts);
 *   4. the dense certificate (certificate.ts, O(n^2)); its first pass also ranks every row's
 *      columns by reduced profit under the auction's prices. Rejected rows get those columns
 *      (or, when more than 2% of rows are rejected, every row gets them and a short warm
 *      auction runs again) and are re-placed by the augmenting-path repair; repeat.
 *      Prices only rise, so a repair can only break the rows matched to columns whose price
 *      changed: later rounds re-check just those rows, and a full dense pass confirms the end.
 * The loop ends only when a full certificate pass accepts, so every returned result is certified:
 * each row's reduced profit over all n columns is at most `tol` and the optimality gap
 * (reported, exactly computable from the duals) is at most n * tol.
 * Small problems (n <= denseBelow) go to the dense JV solver and get the same certificate.
 */
import { InvalidArgumentError, throwIfAborted } from '../errors';
import { auction, emptyState, type AuctionStats } from './auction';
import { Augmenter, exactify } from './augment';
import { addEdges, bestK, buildCandidateGraph } from './candidates';
import { certify, defaultTolerance, violatingColumns, type Certificate } from './certificate';
import { solveDenseLap } from './dense';
import { CertificateError } from './errors';
import { assignmentObjective, invertPermutation, type LapSolution, type ScoreMatrix } from './types';

export interface LapOptions {
  /** 'auto' (default): dense for n <= denseBelow, else hybrid. */
  method?: 'auto' | 'dense' | 'hybrid';
  denseBelow?: number;
  /** Candidates per row and per column (default 12). */
  k?: number;
  /** Certificate tolerance on reduced profits (default 1e-11 * max |C|, at least 1e-11). */
  tol?: number;
  /** Final auction epsilon relative to the score range (default 1e-7). */
  epsFinalRel?: number;
  /** Epsilon division per auction phase (default 6). */
  theta?: number;
  /** Columns added per rejected row and round (default 16). */
  addPerRow?: number;
  /** Re-rank candidates by reduced profit (once) when more than this fraction of rows is
   * rejected by a certificate round (default 0.02). */
  refreshFraction?: number;
  /** After a refresh, place the freed rows with a warm auction first (default true). */
  reAuction?: boolean;
  /** Certificate rounds before falling back to the dense solver (default 30). */
  maxRounds?: number;
  signal?: AbortSignal;
}

export interface LapStats {
  method: 'dense' | 'hybrid';
  k: number;
  edges: number;
  auction: AuctionStats | null;
  /** Rows placed by the augmenting-path repair (all rounds). */
  repairedRows: number;
  /** Columns finalised by all Dijkstra searches. */
  scannedColumns: number;
  certificateRounds: number;
  fellBack: boolean;
  ms: { candidates: number; auction: number; repair: number; certificate: number; total: number };
}

export interface LapResult extends LapSolution {
  certificate: Certificate;
  stats: LapStats;
}

export function solveLap(c: ScoreMatrix, n: number, opts: LapOptions = {}): LapResult {
  if (c.length !== n * n) throw new InvalidArgumentError(`solveLap: matrix has ${c.length} entries, expected ${n}^2`);
  const t0 = performance.now();
  const method = opts.method ?? 'auto';
  if (method === 'dense' || (method === 'auto' && n <= (opts.denseBelow ?? 48))) return solveDenseCertified(c, n, opts, t0);

  const k = opts.k ?? 12;
  const bk = bestK(c, n, k);
  const scale = Math.max(Math.abs(bk.min), Math.abs(bk.max));
  const range = bk.max - bk.min;
  const tol = opts.tol ?? defaultTolerance(scale);
  let g = buildCandidateGraph(c, n, bk);
  const t1 = performance.now();
  throwIfAborted(opts.signal);

  const st = emptyState(n);
  const auc = range > 0
    ? auction(g, st, { epsStart: range / 4, epsFinal: Math.max(range * (opts.epsFinalRel ?? 1e-7), tol), theta: opts.theta })
    : null;
  const t2 = performance.now();
  throwIfAborted(opts.signal);

  const aug = new Augmenter(n);
  let repaired = exactify(g, st, aug, tol);
  aug.takeDirtyRows(st);
  let tRepair = performance.now() - t2;
  let tCert = 0;
  let rounds = 0;
  let cert: Certificate;
  // null: check every row; otherwise only the rows a repair touched (see takeDirtyRows). An
  // incremental pass that accepts is always confirmed by a full pass before returning.
  let pending: Int32Array | null = null;
  for (;;) {
    throwIfAborted(opts.signal);
    const tc = performance.now();
    // The first certificate also ranks every row's columns by reduced profit under the
    // auction's prices: the candidates that the raw best-k lists missed, at little extra cost.
    cert = certify(c, n, st.rowToCol, st.prices, tol, { topK: rounds === 0 ? k : 0, rows: pending ?? undefined });
    tCert += performance.now() - tc;
    rounds++;
    if (cert.ok) {
      if (pending === null) break;
      pending = null;
      continue;
    }
    if (rounds > (opts.maxRounds ?? 30)) break;
    const tr = performance.now();
    const extra: { row: number; col: number }[] = [];
    const many = cert.rejected.length > (opts.refreshFraction ?? 0.02) * n;
    const refreshedNow = many && cert.topK > 0;
    if (refreshedNow) {
      // Many rows want columns outside the graph (the raw lists were chosen before any price
      // was known): add every row's reduced-profit list.
      for (let i = 0; i < n; i++) for (let t = 0; t < cert.topK; t++) extra.push({ row: i, col: cert.topCols[i * cert.topK + t] });
    } else if (cert.topK > 0) {
      for (const i of cert.rejected) for (let t = 0; t < cert.topK; t++) extra.push({ row: i, col: cert.topCols[i * cert.topK + t] });
    } else {
      for (let r = 0; r < cert.rejected.length; r++) {
        const i = cert.rejected[r];
        const s = st.rowToCol[i];
        const own = c[i * n + s] - st.prices[s];
        for (const j of violatingColumns(c, n, i, st.prices, own + tol, opts.addPerRow ?? 16)) extra.push({ row: i, col: j });
      }
    }
    g = addEdges(g, c, extra);
    for (let r = 0; r < cert.rejected.length; r++) {
      const i = cert.rejected[r];
      st.colToRow[st.rowToCol[i]] = -1;
      st.rowToCol[i] = -1;
      st.matchedW[i] = NaN;
    }
    if (refreshedNow && range > 0 && opts.reAuction !== false) {
      // Thousands of free rows: a short warm auction places them more cheaply than one
      // Dijkstra each; the exact repair then fixes whatever is not tight.
      const a2 = auction(g, st, { epsStart: range * 1e-3, epsFinal: Math.max(range * (opts.epsFinalRel ?? 1e-7), tol), theta: opts.theta });
      if (auc) { auc.bids += a2.bids; auc.phases += a2.phases; auc.unfinished += a2.unfinished; }
      repaired += exactify(g, st, aug, tol);
    } else {
      for (let r = 0; r < cert.rejected.length; r++) aug.augment(g, st, cert.rejected[r]);
      repaired += cert.rejected.length;
    }
    const dirty = aug.takeDirtyRows(st);
    pending = refreshedNow || dirty.length > n / 4 ? null : dirty;
    tRepair += performance.now() - tr;
  }
  const stats: LapStats = {
    method: 'hybrid', k: bk.k, edges: g.cols.length, auction: auc, repairedRows: repaired, scannedColumns: aug.scannedTotal,
    certificateRounds: rounds, fellBack: false,
    ms: { candidates: t1 - t0, auction: t2 - t1, repair: tRepair, certificate: tCert, total: 0 },
  };
  if (!cert.ok) {
    // Not expected (each round strictly enlarges the graph); the dense path is exact regardless.
    const d = solveDenseCertified(c, n, opts, t0);
    d.stats = { ...stats, fellBack: true, certificateRounds: rounds + 1, ms: { ...stats.ms, total: performance.now() - t0 } };
    return d;
  }
  stats.ms.total = performance.now() - t0;
  return {
    rowToCol: st.rowToCol, colToRow: invertPermutation(st.rowToCol), prices: st.prices,
    objective: assignmentObjective(c, n, st.rowToCol), certificate: cert, stats,
  };
}

function solveDenseCertified(c: ScoreMatrix, n: number, opts: LapOptions, t0: number): LapResult {
  const sol = solveDenseLap(c, n);
  let scale = 0;
  for (let q = 0; q < c.length; q++) scale = Math.max(scale, Math.abs(c[q]));
  const tc = performance.now();
  const cert = certify(c, n, sol.rowToCol, sol.prices, opts.tol ?? defaultTolerance(scale));
  const t1 = performance.now();
  if (!cert.ok) {
    throw new CertificateError(
      `The dense assignment solver's result failed its certificate (max violation ${cert.maxViolation.toExponential(2)} > tol ${cert.tol.toExponential(2)}). ` +
        'Pass a larger tol for matrices with a very wide range of scores.',
      { n, maxViolation: cert.maxViolation, tol: cert.tol },
    );
  }
  return {
    ...sol, certificate: cert,
    stats: {
      method: 'dense', k: 0, edges: n * n, auction: null, repairedRows: 0, scannedColumns: 0, certificateRounds: 1, fellBack: false,
      ms: { candidates: 0, auction: 0, repair: tc - t0, certificate: t1 - tc, total: t1 - t0 },
    },
  };
}
