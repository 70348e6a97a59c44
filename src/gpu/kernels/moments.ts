/**
 * Moment kernels: the shift (first-chunk mean), column sums and diagonal second moments, row
 * blocks of the shifted product Za^T Zb with Kahan-compensated running totals, standard
 * deviations with the dead-neuron rule, and correlation row blocks. Shaders: shaders/moments.wgsl,
 * shaders/moments_cols.wgsl, shaders/moments_std.wgsl, shaders/moments_corr.wgsl.
 * References: MomentAccumulator (src/core/stats/moments.ts), liveStd and correlationFromMoments
 * (src/core/stats/correlation.ts). The stateful accumulator around them: src/gpu/moments.ts.
 * Running totals are arrays of (total, compensation) f32 pairs: value = total - compensation.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

/** Tokens per first-level block of the in-chunk two-level sums. */
const TB = 64;
const WG_1D = 64;
const PROD_WG = 8;
const CORR_WG_X = 16;
const CORR_WG_Y = 4;

export const momentShiftPipeline: PipelineKey = { shader: 'moments_cols', entryPoint: 'shift', constants: { WG: WG_1D, TB } };
export const momentColstatsPipeline: PipelineKey = { shader: 'moments_cols', entryPoint: 'colstats', constants: { WG: WG_1D, TB } };
export const momentProductPipeline: PipelineKey = { shader: 'moments', entryPoint: 'product', constants: { WG_X: PROD_WG, WG_Y: PROD_WG, TB } };
export const momentStdPipeline: PipelineKey = { shader: 'moments_std' };
export const momentCorrPipeline: PipelineKey = { shader: 'moments_corr', constants: { WG_X: CORR_WG_X, WG_Y: CORR_WG_Y } };

export const MOMENT_PIPELINES: PipelineKey[] = [
  momentShiftPipeline, momentColstatsPipeline, momentProductPipeline, momentStdPipeline, momentCorrPipeline,
];

function checkChunk(x: GpuTensor, tokens: number, d: number, what: string): void {
  if (tokens < 1 || x.numel < tokens * d) {
    throw new InvalidArgumentError(`${what}: chunk of ${x.numel} values holds fewer than ${tokens} tokens x ${d}`);
  }
}

/** One invocation per column of the chunk x [tokens, d] over (x, shift, stats). */
async function columnPass(batch: Batch, what: string, label: string, pipeline: PipelineKey, x: GpuTensor, tokens: number, d: number, shift: GPUBuffer, stats: GPUBuffer): Promise<void> {
  checkChunk(x, tokens, d, what);
  await batch.add({
    label, pipeline, bindings: [x.buffer, shift, stats],
    uniforms: params([{ u: tokens }, { u: d }, { u: 0 }, { u: 0 }]),
    workgroups: [Math.ceil(d / WG_1D)],
  });
}

/**
 * shift = column mean of the chunk x [tokens, d]; also zeroes the stream's (sum, diagonal)
 * totals `stats` ([2 d] pairs). Recorded once, on the stream's first chunk.
 */
export function momentShift(_ctx: GpuContext, batch: Batch, x: GpuTensor, tokens: number, d: number, shift: GPUBuffer, stats: GPUBuffer): Promise<void> {
  return columnPass(batch, 'momentShift', 'moments.shift', momentShiftPipeline, x, tokens, d, shift, stats);
}

/** stats[i] += sum_t (x_ti - shift_i), stats[d + i] += sum_t (x_ti - shift_i)^2 (Kahan). */
export function momentColstats(_ctx: GpuContext, batch: Batch, x: GpuTensor, tokens: number, d: number, shift: GPUBuffer, stats: GPUBuffer): Promise<void> {
  return columnPass(batch, 'momentColstats', 'moments.colstats', momentColstatsPipeline, x, tokens, d, shift, stats);
}

export interface ProductArgs {
  xa: GpuTensor;
  xb: GpuTensor;
  shiftA: GPUBuffer;
  shiftB: GPUBuffer;
  tokens: number;
  da: number;
  db: number;
  /** Output rows r0 .. r0 + rows - 1 (columns of xa) held by `acc` ([rows, db] pairs). */
  r0: number;
  rows: number;
  acc: GPUBuffer;
}

/** acc[i, j] += sum_t (xa[t, r0 + i] - ca) (xb[t, j] - cb), Kahan-compensated. */
export async function momentProduct(_ctx: GpuContext, batch: Batch, a: ProductArgs): Promise<void> {
  checkChunk(a.xa, a.tokens, a.da, 'momentProduct');
  checkChunk(a.xb, a.tokens, a.db, 'momentProduct');
  if (a.r0 < 0 || a.rows < 1 || a.r0 + a.rows > a.da) throw new InvalidArgumentError(`momentProduct: rows ${a.r0}..${a.r0 + a.rows} outside 0..${a.da}`);
  const block = PROD_WG * 4;
  await batch.add({
    label: 'moments.product', pipeline: momentProductPipeline,
    bindings: [a.xa.buffer, a.xb.buffer, a.shiftA, a.shiftB, a.acc],
    uniforms: params([{ u: a.tokens }, { u: a.da }, { u: a.db }, { u: a.r0 }, { u: a.rows }, { u: 0 }, { u: 0 }, { u: 0 }]),
    workgroups: [Math.ceil(a.db / block), Math.ceil(a.rows / block)],
  });
}

/** std [d] from a stream's (sum, diagonal) totals, dead neurons set to 0 (liveStd's rule). */
export async function momentStd(_ctx: GpuContext, batch: Batch, stats: GPUBuffer, d: number, count: number, deadRel: number, std: GpuTensor): Promise<void> {
  if (std.numel < d) throw new InvalidArgumentError(`momentStd: output holds ${std.numel} values, needs ${d}`);
  await batch.add({
    label: 'moments.std', pipeline: momentStdPipeline, bindings: [stats, std.buffer],
    uniforms: params([{ f: count }, { u: d }, { f: deadRel }, { u: 0 }]),
    workgroups: [1],
  });
}

export interface CorrArgs {
  /** Row block [rows, db] of the shifted cross (or self) moment, as pairs. */
  product: GPUBuffer;
  statsA: GPUBuffer;
  statsB: GPUBuffer;
  stdA: GpuTensor;
  stdB: GpuTensor;
  count: number;
  da: number;
  db: number;
  r0: number;
  rows: number;
  /** [rows, db] f32. */
  out: GpuTensor;
}

/** out = the correlation rows r0 .. r0 + rows - 1 (correlationFromMoments' formula and dead rule). */
export async function momentCorr(ctx: GpuContext, batch: Batch, a: CorrArgs): Promise<void> {
  if (a.out.numel < a.rows * a.db) throw new InvalidArgumentError(`momentCorr: output holds ${a.out.numel} values, needs ${a.rows} x ${a.db}`);
  const maxDim = ctx.device.limits.maxComputeWorkgroupsPerDimension;
  const gy = Math.ceil(a.rows / CORR_WG_Y);
  const gx = Math.ceil(a.db / CORR_WG_X);
  if (gy > maxDim || gx > maxDim) throw new InvalidArgumentError(`momentCorr: ${a.rows} x ${a.db} block exceeds the dispatch limit; use smaller row blocks`);
  await batch.add({
    label: 'moments.corr', pipeline: momentCorrPipeline,
    bindings: [a.product, a.statsA, a.statsB, a.stdA.buffer, a.stdB.buffer, a.out.buffer],
    uniforms: params([{ f: a.count }, { u: a.da }, { u: a.db }, { u: a.r0 }, { u: a.rows }, { u: 0 }, { u: 0 }, { u: 0 }]),
    workgroups: [gx, gy],
  });
}
