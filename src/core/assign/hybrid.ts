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
 *
 * The two dense O(n^2) passes can come from outside (the GPU, src/gpu; core stays free of it):
 * `candidates` are precomputed best-k lists (step 1), and `solveLapAsync` takes a `certifier`
 * that runs the dense filter of step 4 and flags the rows it cannot settle; only those rows are
 * re-checked exactly in f64 on the host (certify with `settled`), so acceptance stays exact.
 */
import { InvalidArgumentError, throwIfAborted } from '../errors';
import { auction, emptyState, type AuctionStats } from './auction';
import { Augmenter, exactify } from './augment';
import { addEdges, bestK, buildCandidateGraph, type BestK } from './candidates';
import { certify, defaultTolerance, violatingColumns, type Certificate, type NearColumns } from './certificate';
import { solveDenseLap } from './dense';
import { CertificateError } from './errors';
import { assignmentObjective, invertPermutation, type LapSolution, type ScoreMatrix } from './types';

export interface LapOptions {
  /** 'auto' (default): dense for n <= denseBelow, else hybrid. */
  method?: 'auto' | 'dense' | 'hybrid';
  denseBelow?: number;
  /** Candidates per row and per column (default 12). */
  k?: number;
  /** Precomputed best-k lists of this very matrix (e.g. GpuCorrelation.bestK); k is then theirs. */
  candidates?: BestK;
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

/**
 * The dense pass of the certificate run elsewhere (the GPU: GpuLapCertifier in src/gpu).
 * flagRows returns in `rows` every row i for which it cannot prove, with a sound error bound,
 * that the matched column strictly beats all others: max_{j != sigma(i)} (C_ij - p_j) <
 * C_i,sigma(i) - p_sigma(i) (rows with non-finite scores must be flagged too); a superset is
 * fine. Optionally `near` lists, per flagged row, the only columns that can reach the matched
 * one (see NearColumns). The solver re-checks exactly in f64 the flagged rows (only their near
 * columns where listed); the other rows count as violation 0.
 */
export interface LapCertifier {
  readonly name: string;
  flagRows(rowToCol: Int32Array, prices: Float64Array): Promise<FlaggedRows>;
}

export interface FlaggedRows {
  rows: Int32Array;
  near?: NearColumns;
}

export interface AsyncLapOptions extends LapOptions {
  certifier?: LapCertifier;
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
  /** Rows the certificate rejected, summed over rounds. */
  rejectedRows: number;
  /** Rows checked exactly (f64, host) by the certificate, summed over rounds. */
  checkedRows: number;
  /** Where the candidates and the certificate's dense pass ran ('host' or a certifier's name). */
  candidatesFrom: 'host' | 'given';
  certifier: string;
  fellBack: boolean;
  ms: { candidates: number; auction: number; repair: number; certificate: number; total: number };
}

export interface LapResult extends LapSolution {
  certificate: Certificate;
  stats: LapStats;
}

/** What the hybrid loop asks of the certificate: a full pass, or the rows in `rows` only. */
interface CertRequest {
  rowToCol: Int32Array;
  prices: Float64Array;
  tol: number;
  topK: number;
  rows: Int32Array | null;
}

export function solveLap(c: ScoreMatrix, n: number, opts: LapOptions = {}): LapResult {
  const t0 = performance.now();
  checkInput(c, n, opts);
  if (useDense(n, opts)) return solveDenseCertified(c, n, opts, t0);
  const run = hybridLoop(c, n, opts, t0, 'host');
  let r = run.next();
  while (!r.done) r = run.next(certify(c, n, r.value.rowToCol, r.value.prices, r.value.tol, { topK: r.value.topK, rows: r.value.rows ?? undefined }));
  return r.value;
}

/** solveLap with the certificate's dense pass in `opts.certifier` (default: on the host). */
export async function solveLapAsync(c: ScoreMatrix, n: number, opts: AsyncLapOptions = {}): Promise<LapResult> {
  const certifier = opts.certifier;
  if (!certifier) return solveLap(c, n, opts);
  const t0 = performance.now();
  checkInput(c, n, opts);
  if (useDense(n, opts)) return solveDenseCertified(c, n, opts, t0);
  const run = hybridLoop(c, n, opts, t0, certifier.name);
  let r = run.next();
  while (!r.done) {
    const q = r.value;
    if (q.rows) {
      // An incremental round (the few rows a repair touched) stays on the host, exact; every
      // full pass, the final one included, is the certifier's filter + the exact re-check.
      r = run.next(certify(c, n, q.rowToCol, q.prices, q.tol, { topK: q.topK, rows: q.rows }));
      continue;
    }
    const flagged = await certifier.flagRows(q.rowToCol, q.prices);
    throwIfAborted(opts.signal);
    r = run.next(certify(c, n, q.rowToCol, q.prices, q.tol, { topK: q.topK, rows: flagged.rows, near: flagged.near, settled: true }));
  }
  return r.value;
}

function checkInput(c: ScoreMatrix, n: number, opts: LapOptions): void {
  if (c.length !== n * n) throw new InvalidArgumentError(`solveLap: matrix has ${c.length} entries, expected ${n}^2`);
  const bk = opts.candidates;
  if (bk && (bk.k < 1 || bk.k > n || bk.rowCols.length !== n * bk.k || bk.colRows.length !== n * bk.k)) {
    throw new InvalidArgumentError(`solveLap: the given candidates (k = ${bk.k}, ${bk.rowCols.length} row entries) are not best-k lists of an ${n} x ${n} matrix`);
  }
}

/** Whether solveLap takes the dense path for this size and these options. */
export function usesDenseSolver(n: number, opts: LapOptions): boolean {
  const method = opts.method ?? 'auto';
  return method === 'dense' || (method === 'auto' && n <= (opts.denseBelow ?? 48));
}
const useDense = usesDenseSolver;

/**
 * The hybrid solver as a coroutine: it yields each certificate request and resumes with the
 * Certificate (computed on the host by solveLap, or after a device filter by solveLapAsync).
 */
function* hybridLoop(
  c: ScoreMatrix, n: number, opts: LapOptions, t0: number, certifierName: string,
): Generator<CertRequest, LapResult, Certificate> {
  const given = opts.candidates;
  const bk = given ?? bestK(c, n, opts.k ?? 12);
  const k = bk.k;
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
  let rejectedRows = 0;
  let checkedRows = 0;
  let cert: Certificate;
  // null: check every row; otherwise only the rows a repair touched (see takeDirtyRows). An
  // incremental pass that accepts is always confirmed by a full pass before returning.
  let pending: Int32Array | null = null;
  for (;;) {
    throwIfAborted(opts.signal);
    const tc = performance.now();
    // The first certificate also ranks every (checked) row's columns by reduced profit under the
    // auction's prices: the candidates that the raw best-k lists missed, at little extra cost.
    cert = yield { rowToCol: st.rowToCol, prices: st.prices, tol, topK: rounds === 0 ? k : 0, rows: pending };
    tCert += performance.now() - tc;
    rounds++;
    rejectedRows += cert.rejected.length;
    checkedRows += cert.checkedRows ? cert.checkedRows.length : n;
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
    const topRows = (rows: ArrayLike<number>): void => {
      for (let r = 0; r < rows.length; r++) for (let t = 0; t < cert.topK; t++) extra.push({ row: rows[r], col: cert.topCols[rows[r] * cert.topK + t] });
    };
    if (refreshedNow) {
      // Many rows want columns outside the graph (the raw lists were chosen before any price
      // was known): add every checked row's reduced-profit list.
      topRows(cert.checkedRows ?? Int32Array.from({ length: n }, (_, i) => i));
    } else if (cert.topK > 0) {
      topRows(cert.rejected);
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
    method: 'hybrid', k, edges: g.cols.length, auction: auc, repairedRows: repaired, scannedColumns: aug.scannedTotal,
    certificateRounds: rounds, rejectedRows, checkedRows, candidatesFrom: given ? 'given' : 'host', certifier: certifierName, fellBack: false,
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
      method: 'dense', k: 0, edges: n * n, auction: null, repairedRows: 0, scannedColumns: 0, certificateRounds: 1,
      rejectedRows: 0, checkedRows: n, candidatesFrom: 'host', certifier: 'host', fellBack: false,
      ms: { candidates: 0, auction: 0, repair: tc - t0, certificate: t1 - tc, total: t1 - t0 },
    },
  };
}
