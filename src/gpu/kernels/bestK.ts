/**
 * Best-k candidates per row and per column of a score matrix on the GPU (k <= 16), the first
 * step of the hybrid assignment solver. Shader: shaders/best_k.wgsl. Reference: bestK in
 * src/core/assign/candidates.ts (same list rule, so equal f32 inputs give the same lists).
 * The matrix arrives in row blocks (each within one storage binding); the row lists of a block
 * are final at once, the column lists are merged across blocks on the GPU. Only the lists and
 * two values per row come back to the host, in the BestK format the solver takes.
 */
import type { BestK } from '../../core/assign/candidates';
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 64;
export const BEST_K_MAX = 16;
export const bestKPipeline: PipelineKey = { shader: 'best_k', constants: { WG } };

/** A row block of the score matrix: rows r0 .. r0 + rows - 1, [rows, n] f32. */
export interface RowBlock {
  r0: number;
  rows: number;
  tensor: GpuTensor;
}

/** GPU-resident lists being built. */
export interface BestKState {
  totalRows: number;
  n: number;
  k: number;
  rowIdx: GpuTensor;
  rowVal: GpuTensor;
  colIdx: GpuTensor;
  colVal: GpuTensor;
}

export function createBestKState(ctx: GpuContext, totalRows: number, n: number, kIn: number): BestKState {
  if (!Number.isInteger(kIn) || kIn < 1 || kIn > BEST_K_MAX) throw new InvalidArgumentError(`GPU best-k takes 1 <= k <= ${BEST_K_MAX}, got ${kIn}`);
  const k = Math.min(kIn, totalRows, n);
  return {
    totalRows, n, k,
    rowIdx: ctx.tensor([totalRows, k], 'bestk.rowIdx'),
    rowVal: ctx.tensor([totalRows, 2], 'bestk.rowVal'),
    colIdx: ctx.tensor([n, k], 'bestk.colIdx'),
    colVal: ctx.tensor([n, k], 'bestk.colVal'),
  };
}

/** Record the scan of one row block (blocks must come in row order, the first with r0 = 0). */
export async function bestKBlock(ctx: GpuContext, batch: Batch, s: BestKState, b: RowBlock): Promise<void> {
  if (b.r0 < 0 || b.rows < 1 || b.r0 + b.rows > s.totalRows || b.tensor.numel < b.rows * s.n) {
    throw new InvalidArgumentError(`bestKBlock: block of rows ${b.r0}..${b.r0 + b.rows} (${b.tensor.numel} values) does not fit a ${s.totalRows} x ${s.n} matrix`);
  }
  const groups = Math.ceil((b.rows + s.n) / WG);
  if (groups > ctx.device.limits.maxComputeWorkgroupsPerDimension) throw new InvalidArgumentError('bestKBlock: block too large for one dispatch; use smaller row blocks');
  await batch.add({
    label: 'best_k', pipeline: bestKPipeline,
    bindings: [b.tensor.buffer, s.rowIdx.buffer, s.rowVal.buffer, s.colIdx.buffer, s.colVal.buffer],
    uniforms: params([{ u: s.n }, { u: s.k }, { u: b.r0 }, { u: b.rows }]),
    workgroups: [groups],
  });
}

/** Read the lists back (waits for the recorded work) and release the state. */
export async function finishBestK(ctx: GpuContext, s: BestKState): Promise<BestK> {
  try {
    const rowCols = Int32Array.from(await ctx.readU32(s.rowIdx, s.totalRows * s.k));
    const colRows = Int32Array.from(await ctx.readU32(s.colIdx, s.n * s.k));
    const rv = await ctx.read(s.rowVal, 2 * s.totalRows);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < s.totalRows; i++) {
      min = Math.min(min, rv[2 * i]);
      max = Math.max(max, rv[2 * i + 1]);
    }
    if (!Number.isFinite(min) || !Number.isFinite(max)) {
      throw new InvalidArgumentError('GPU best-k: the matrix contains NaN or infinite scores; fix the correlation input (dead neurons must be 0, not NaN).');
    }
    return { k: s.k, rowCols, colRows, min, max };
  } finally {
    ctx.release(s.rowIdx, s.rowVal, s.colIdx, s.colVal);
  }
}

/** Best-k of GPU-resident row blocks covering all rows of a [totalRows, n] matrix. */
export async function gpuBestK(ctx: GpuContext, blocks: readonly RowBlock[], totalRows: number, n: number, k: number): Promise<BestK> {
  const s = createBestKState(ctx, totalRows, n, k);
  const b = ctx.batch('best_k');
  let next = 0;
  for (const blk of blocks) {
    if (blk.r0 !== next) throw new InvalidArgumentError(`gpuBestK: row blocks must be contiguous and in order (expected row ${next}, got ${blk.r0})`);
    await bestKBlock(ctx, b, s, blk);
    next += blk.rows;
  }
  if (next !== totalRows) throw new InvalidArgumentError(`gpuBestK: blocks cover ${next} of ${totalRows} rows`);
  b.submit();
  return finishBestK(ctx, s);
}

/** Best-k of a host matrix [n, n] (uploaded in row blocks of at most maxTileBytes). */
export async function bestKFromHost(ctx: GpuContext, c: Float32Array, n: number, k: number, opts: { maxTileBytes?: number } = {}): Promise<BestK> {
  if (c.length !== n * n) throw new InvalidArgumentError(`bestKFromHost: matrix has ${c.length} entries, expected ${n}^2`);
  const maxBytes = Math.min(ctx.device.limits.maxStorageBufferBindingSize, opts.maxTileBytes ?? Infinity);
  const per = Math.max(1, Math.floor(maxBytes / (4 * n)));
  const blocks: RowBlock[] = [];
  for (let r0 = 0; r0 < n; r0 += per) {
    const rows = Math.min(per, n - r0);
    blocks.push({ r0, rows, tensor: ctx.upload(c.subarray(r0 * n, (r0 + rows) * n), [rows, n], 'bestk.block') });
  }
  try {
    return await gpuBestK(ctx, blocks, n, n, k);
  } finally {
    ctx.release(...blocks.map((b) => b.tensor));
  }
}
