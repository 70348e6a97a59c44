/**
 * Dense certificate filter of the hybrid assignment solver on the GPU. Shader:
 * shaders/lap_certify.wgsl. Reference: certifyFilterRef in src/core/assign/certificate.ts.
 * The score matrix may be larger than one storage binding (8960^2 f32 = 321 MB): it is processed
 * in row tiles of at most maxStorageBufferBindingSize bytes (or opts.maxTileBytes).
 * f32 cannot decide a 1e-11 tolerance, so `certifyWithGpuFilter` accepts the rows the filter
 * settles with a safe margin and re-checks the others exactly (f64) on the CPU.
 */
import { InvalidArgumentError } from '../../core/errors';
import { certify, rowsToRecheck, splitPrices, type Certificate } from '../../core/assign/certificate';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 64;
export const lapCertifyPipeline: PipelineKey = { shader: 'lap_certify', constants: { WG } };

/** Record the filter over the row tile `tile` ([rows, n]) starting at global row `row0`. */
export async function lapCertifyTile(
  ctx: GpuContext, batch: Batch, tile: GpuTensor, row0: number, n: number,
  prices2: GpuTensor, rowToCol: GpuTensor, outGap: GpuTensor, outCol: GpuTensor,
): Promise<void> {
  const rows = tile.numel / n;
  if (!Number.isInteger(rows) || row0 + rows > n) throw new InvalidArgumentError(`lapCertifyTile: tile of ${tile.numel} values is not a row block of an ${n} x ${n} matrix at row ${row0}`);
  await batch.add({
    label: 'lap_certify', pipeline: lapCertifyPipeline,
    bindings: [tile.buffer, prices2.buffer, rowToCol.buffer, outGap.buffer, outCol.buffer],
    uniforms: params([{ u: n }, { u: row0 }, { u: rows }, { u: 0 }]),
    workgroups: grid2d(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}

/** Run the filter over a CPU-resident n x n matrix; returns gap_i and argmax col_i per row. */
export async function lapCertifyFilter(
  ctx: GpuContext, c: Float32Array, n: number, rowToCol: Int32Array, prices: Float64Array, opts: { maxTileBytes?: number } = {},
): Promise<{ gap: Float32Array; col: Uint32Array }> {
  if (c.length !== n * n) throw new InvalidArgumentError(`lapCertifyFilter: matrix has ${c.length} entries, expected ${n}^2`);
  const maxBytes = Math.min(ctx.device.limits.maxStorageBufferBindingSize, opts.maxTileBytes ?? Infinity);
  const rowsPerTile = Math.max(1, Math.floor(maxBytes / (4 * n)));
  const p2 = ctx.upload(splitPrices(prices), [n, 2], 'lap.prices');
  const r2c = ctx.upload(Uint32Array.from(rowToCol), [n], 'lap.rowToCol');
  const gapT = ctx.tensor([n], 'lap.gap');
  const colT = ctx.tensor([n], 'lap.col');
  try {
    for (let r0 = 0; r0 < n; r0 += rowsPerTile) {
      const r1 = Math.min(n, r0 + rowsPerTile);
      const tile = ctx.upload(c.subarray(r0 * n, r1 * n), [r1 - r0, n], 'lap.tile');
      const b = ctx.batch('lap_certify');
      await lapCertifyTile(ctx, b, tile, r0, n, p2, r2c, gapT, colT);
      b.submit();
      // Reading back waits for the dispatch before the tile buffer returns to the pool.
      if (r1 < n) await ctx.read(gapT, 1);
      ctx.release(tile);
    }
    const gap = await ctx.read(gapT);
    const col = await ctx.readU32(colT);
    return { gap, col };
  } finally {
    ctx.release(p2, r2c, gapT, colT);
  }
}

/**
 * Certificate with the dense pass on the GPU: rows whose f32 gap is below -margin are accepted,
 * the rest are re-checked exactly by the CPU certificate. Returns the CPU verdict on the
 * re-checked rows (its totals are NaN unless every row was re-checked) and how many there were.
 */
export async function certifyWithGpuFilter(
  ctx: GpuContext, c: Float32Array, n: number, rowToCol: Int32Array, prices: Float64Array, tol: number,
  opts: { margin?: number; maxTileBytes?: number } = {},
): Promise<{ certificate: Certificate; rechecked: number }> {
  const { gap } = await lapCertifyFilter(ctx, c, n, rowToCol, prices, opts);
  let scale = 0;
  for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(prices[j]));
  let cmax = 0;
  for (let i = 0; i < n; i++) cmax = Math.max(cmax, Math.abs(c[i * n + rowToCol[i]]));
  const margin = opts.margin ?? 1e-5 * (scale + cmax + 1e-30);
  const rows = rowsToRecheck(gap, margin);
  return { certificate: certify(c, n, rowToCol, prices, tol, { rows }), rechecked: rows.length };
}

export const ASSIGN_PIPELINES: PipelineKey[] = [lapCertifyPipeline];
