/**
 * Dense certificate filter of the hybrid assignment solver on the GPU. Shader:
 * shaders/lap_certify.wgsl. Reference: certifyFilterRef in src/core/assign/certificate.ts.
 * The score matrix may be larger than one storage binding (8960^2 f32 = 321 MB): it is processed
 * in row blocks of at most maxStorageBufferBindingSize bytes (or opts.maxTileBytes), either
 * uploaded from the host tile by tile (lapCertifyFilter) or already resident (GpuLapCertifier,
 * the blocks of a GpuCorrelation).
 * f32 cannot decide a 1e-11 tolerance, so the filter only settles the rows whose f32 gap is below
 * -margin_i (filterMargins: a sound bound on the f32 error); the solver re-checks the others
 * exactly (f64) on the CPU (solveLapAsync with a certifier; certifyWithGpuFilter here), and for
 * each of them only the "near" columns the filter lists (at most NEAR_MAX, else the whole row).
 */
import { InvalidArgumentError } from '../../core/errors';
import { FILTER_MARGIN_REL, certify, maxAbs, splitPrices, type Certificate } from '../../core/assign/certificate';
import type { FlaggedRows, LapCertifier } from '../../core/assign/hybrid';
import type { GpuTensor } from '../buffers';
import { describeAdapter } from '../capabilities';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import type { RowBlock } from './bestK';

const WG = 64;
/** Near columns kept per flagged row (a row with more is re-checked whole). */
export const NEAR_MAX = 16;
const SETTLED = 0xffffffff;
export const lapCertifyPipeline: PipelineKey = { shader: 'lap_certify', constants: { WG } };

interface FilterOutputs {
  prices2: GpuTensor;
  rowToCol: GpuTensor;
  /** [n, 4] u32: bits of gap, col, bits of amax, count. */
  row: GpuTensor;
  /** [n, NEAR_MAX] near columns of flagged rows. */
  near: GpuTensor;
  pmax: number;
}

/** Record the filter over the row block `b` ([rows, n] starting at global row b.r0). */
export async function lapCertifyTile(ctx: GpuContext, batch: Batch, b: RowBlock, n: number, o: FilterOutputs): Promise<void> {
  if (b.tensor.numel < b.rows * n || b.r0 + b.rows > n) throw new InvalidArgumentError(`lapCertifyTile: block of ${b.tensor.numel} values is not a row block of an ${n} x ${n} matrix at row ${b.r0}`);
  await batch.add({
    label: 'lap_certify', pipeline: lapCertifyPipeline,
    bindings: [b.tensor.buffer, o.prices2.buffer, o.rowToCol.buffer, o.row.buffer, o.near.buffer],
    uniforms: params([{ u: n }, { u: b.r0 }, { u: b.rows }, { u: NEAR_MAX }, { f: o.pmax }, { f: FILTER_MARGIN_REL }, { u: 0 }, { u: 0 }]),
    workgroups: grid2d(b.rows, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}

export interface FilterResult {
  /** max_{j != sigma(i)} (C_ij - p_j) - (C_i,sigma(i) - p_sigma(i)) in f32. */
  gap: Float32Array;
  /** Its argmax column. */
  col: Uint32Array;
  /** max_j |C_ij| (bounds the f32 error). */
  absMax: Float32Array;
  /** Per row: 0xffffffff when settled, else the number of near columns. */
  count: Uint32Array;
  /** [n, NEAR_MAX]: the first min(count, NEAR_MAX) near columns of each flagged row (any order). */
  near: Uint32Array;
}

/**
 * Run the filter over row blocks: `next(i)` gives block i (or null after the last), `done(b)`
 * runs once the block's dispatch is recorded and submitted.
 */
async function runFilter(
  ctx: GpuContext, n: number, rowToCol: Int32Array, prices: Float64Array,
  next: (i: number) => RowBlock | null, done: (b: RowBlock, isLast: boolean) => Promise<void>,
): Promise<FilterResult> {
  if (rowToCol.length !== n || prices.length !== n) throw new InvalidArgumentError(`GPU certificate filter: ${rowToCol.length} rows and ${prices.length} prices for n = ${n}`);
  // The margin's price term, rounded up to f32 so that the shader's margin is never smaller.
  const pmax = maxAbs(prices) * (1 + 1e-6);
  const o: FilterOutputs = {
    prices2: ctx.upload(splitPrices(prices), [n, 2], 'lap.prices'),
    rowToCol: ctx.upload(Uint32Array.from(rowToCol), [n], 'lap.rowToCol'),
    row: ctx.tensor([n, 4], 'lap.row'),
    near: ctx.tensor([n, NEAR_MAX], 'lap.near'),
    pmax,
  };
  try {
    let covered = 0;
    for (let i = 0, b = next(0); b; b = next(++i)) {
      if (b.r0 !== covered) throw new InvalidArgumentError(`GPU certificate filter: row blocks must be contiguous (expected row ${covered}, got ${b.r0})`);
      covered += b.rows;
      const batch = ctx.batch('lap_certify');
      await lapCertifyTile(ctx, batch, b, n, o);
      batch.submit();
      await done(b, covered === n);
    }
    if (covered !== n) throw new InvalidArgumentError(`GPU certificate filter: blocks cover ${covered} of ${n} rows`);
    const words = await ctx.readU32(o.row);
    const f = new Float32Array(words.buffer, words.byteOffset, words.length);
    const near = await ctx.readU32(o.near);
    return {
      gap: Float32Array.from({ length: n }, (_, i) => f[4 * i]), col: Uint32Array.from({ length: n }, (_, i) => words[4 * i + 1]),
      absMax: Float32Array.from({ length: n }, (_, i) => f[4 * i + 2]), count: Uint32Array.from({ length: n }, (_, i) => words[4 * i + 3]), near,
    };
  } finally {
    ctx.release(o.prices2, o.rowToCol, o.row, o.near);
  }
}

/** Run the filter over a CPU-resident n x n matrix (uploaded one row tile at a time). */
export async function lapCertifyFilter(
  ctx: GpuContext, c: Float32Array, n: number, rowToCol: Int32Array, prices: Float64Array, opts: { maxTileBytes?: number } = {},
): Promise<FilterResult> {
  if (c.length !== n * n) throw new InvalidArgumentError(`lapCertifyFilter: matrix has ${c.length} entries, expected ${n}^2`);
  const maxBytes = Math.min(ctx.device.limits.maxStorageBufferBindingSize, opts.maxTileBytes ?? Infinity);
  const per = Math.max(1, Math.floor(maxBytes / (4 * n)));
  const next = (i: number): RowBlock | null => {
    const r0 = i * per;
    if (r0 >= n) return null;
    const rows = Math.min(per, n - r0);
    return { r0, rows, tensor: ctx.upload(c.subarray(r0 * n, (r0 + rows) * n), [rows, n], 'lap.tile') };
  };
  return runFilter(ctx, n, rowToCol, prices, next, async (b, isLast) => {
    // Reading back waits for the dispatch before the tile buffer returns to the pool.
    if (!isLast) await ctx.read(b.tensor, 1);
    ctx.release(b.tensor);
  });
}

/**
 * The rows the exact host check must see after a filter pass, with their near columns (a row
 * whose max |C| is not finite, or with more near columns than kept, is re-checked whole).
 */
export function flaggedRows(f: FilterResult): FlaggedRows {
  const rows: number[] = [];
  for (let i = 0; i < f.count.length; i++) if (f.count[i] !== SETTLED) rows.push(i);
  const cols = new Int32Array(rows.length * NEAR_MAX);
  const count = new Int32Array(rows.length);
  rows.forEach((i, r) => {
    count[r] = f.absMax[i] <= 3.4028234663852886e38 ? f.count[i] : NEAR_MAX + 1;
    for (let t = 0; t < Math.min(count[r], NEAR_MAX); t++) cols[r * NEAR_MAX + t] = f.near[i * NEAR_MAX + t];
  });
  return { rows: Int32Array.from(rows), near: { k: NEAR_MAX, cols, count } };
}

/**
 * The certificate's dense pass on GPU-resident row blocks of the score matrix (a LapCertifier
 * for solveLapAsync). The blocks stay owned by the caller and must outlive the solve.
 * Non-finite scores: a row whose max |C_ij| reads back non-finite is flagged (and the host
 * check then rejects the matrix), but WGSL lets implementations assume finite values, so this
 * is not a guarantee; correlations made on the GPU (src/gpu/moments.ts) are finite by
 * construction (dead neurons are 0).
 */
export class GpuLapCertifier implements LapCertifier {
  readonly name: string;
  /** Rows flagged for the exact host check, summed over calls. */
  flagged = 0;
  /** Flagged rows re-checked whole (more near columns than kept), summed over calls. */
  wholeRows = 0;
  passes = 0;

  constructor(
    private readonly ctx: GpuContext,
    private readonly blocks: readonly RowBlock[],
    private readonly n: number,
  ) {
    this.name = `gpu: ${describeAdapter(ctx.caps)}`;
  }

  async flagRows(rowToCol: Int32Array, prices: Float64Array): Promise<FlaggedRows> {
    const f = await runFilter(this.ctx, this.n, rowToCol, prices, (i) => this.blocks[i] ?? null, () => Promise.resolve());
    const r = flaggedRows(f);
    this.flagged += r.rows.length;
    for (const c of r.near!.count) if (c > NEAR_MAX) this.wholeRows++;
    this.passes++;
    return r;
  }
}

/**
 * Certificate with the dense pass on the GPU: rows the filter settles are accepted, the rest are
 * re-checked exactly by the CPU certificate (totals over all rows, see certify's `settled`).
 */
export async function certifyWithGpuFilter(
  ctx: GpuContext, c: Float32Array, n: number, rowToCol: Int32Array, prices: Float64Array, tol: number,
  opts: { maxTileBytes?: number } = {},
): Promise<{ certificate: Certificate; rechecked: number }> {
  const { rows, near } = flaggedRows(await lapCertifyFilter(ctx, c, n, rowToCol, prices, opts));
  return { certificate: certify(c, n, rowToCol, prices, tol, { rows, near, settled: true }), rechecked: rows.length };
}

export const ASSIGN_PIPELINES: PipelineKey[] = [lapCertifyPipeline];
