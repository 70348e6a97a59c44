/**
 * Dense certificate filter of the hybrid assignment solver on the GPU. Shader:
 * shaders/lap_certify.wgsl. Reference: certifyFilterRef in src/core/assign/certificate.ts.
 * The score matrix may be larger than one storage binding (8960^2 f32 = 321 MB): it is processed
 * in row blocks of at most maxStorageBufferBindingSize bytes (or opts.maxTileBytes), either
 * uploaded from the host tile by tile (lapCertifyFilter) or already resident (GpuLapCertifier,
 * the blocks of a GpuCorrelation).
 * f32 cannot decide a 1e-11 tolerance, so the filter only settles the rows whose f32 gap is below
 * -margin_i (filterMargins: a sound bound on the f32 error); the solver re-checks the others
 * exactly (f64) on the CPU (solveLapAsync with a certifier; certifyWithGpuFilter here).
 */
import { InvalidArgumentError } from '../../core/errors';
import { certify, filterMargins, rowsToRecheck, splitPrices, type Certificate } from '../../core/assign/certificate';
import type { LapCertifier } from '../../core/assign/hybrid';
import type { GpuTensor } from '../buffers';
import { describeAdapter } from '../capabilities';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import type { RowBlock } from './bestK';

const WG = 64;
export const lapCertifyPipeline: PipelineKey = { shader: 'lap_certify', constants: { WG } };

interface FilterOutputs {
  prices2: GpuTensor;
  rowToCol: GpuTensor;
  gap: GpuTensor;
  col: GpuTensor;
  absMax: GpuTensor;
}

/** Record the filter over the row block `b` ([rows, n] starting at global row b.r0). */
export async function lapCertifyTile(ctx: GpuContext, batch: Batch, b: RowBlock, n: number, o: FilterOutputs): Promise<void> {
  if (b.tensor.numel < b.rows * n || b.r0 + b.rows > n) throw new InvalidArgumentError(`lapCertifyTile: block of ${b.tensor.numel} values is not a row block of an ${n} x ${n} matrix at row ${b.r0}`);
  await batch.add({
    label: 'lap_certify', pipeline: lapCertifyPipeline,
    bindings: [b.tensor.buffer, o.prices2.buffer, o.rowToCol.buffer, o.gap.buffer, o.col.buffer, o.absMax.buffer],
    uniforms: params([{ u: n }, { u: b.r0 }, { u: b.rows }, { u: 0 }]),
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
  const o: FilterOutputs = {
    prices2: ctx.upload(splitPrices(prices), [n, 2], 'lap.prices'),
    rowToCol: ctx.upload(Uint32Array.from(rowToCol), [n], 'lap.rowToCol'),
    gap: ctx.tensor([n], 'lap.gap'),
    col: ctx.tensor([n], 'lap.col'),
    absMax: ctx.tensor([n], 'lap.absMax'),
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
    return { gap: await ctx.read(o.gap), col: await ctx.readU32(o.col), absMax: await ctx.read(o.absMax) };
  } finally {
    ctx.release(o.prices2, o.rowToCol, o.gap, o.col, o.absMax);
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

/** Rows the exact host check must see after a filter pass (see filterMargins). */
export function flaggedRows(f: FilterResult, prices: Float64Array): Int32Array {
  return rowsToRecheck(f.gap, filterMargins(f.absMax, prices), f.absMax);
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
  passes = 0;

  constructor(
    private readonly ctx: GpuContext,
    private readonly blocks: readonly RowBlock[],
    private readonly n: number,
  ) {
    this.name = `gpu: ${describeAdapter(ctx.caps)}`;
  }

  async flagRows(rowToCol: Int32Array, prices: Float64Array): Promise<Int32Array> {
    const f = await runFilter(this.ctx, this.n, rowToCol, prices, (i) => this.blocks[i] ?? null, () => Promise.resolve());
    const rows = flaggedRows(f, prices);
    this.flagged += rows.length;
    this.passes++;
    return rows;
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
  const rows = flaggedRows(await lapCertifyFilter(ctx, c, n, rowToCol, prices, opts), prices);
  return { certificate: certify(c, n, rowToCol, prices, tol, { rows, settled: true }), rechecked: rows.length };
}

export const ASSIGN_PIPELINES: PipelineKey[] = [lapCertifyPipeline];
