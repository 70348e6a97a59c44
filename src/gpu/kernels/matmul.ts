/**
 * Matmul kernel: C[b] = A[b] @ B[b] or A[b] @ B[b]^T (+ bias, or + a residual). Shapes: A [batch?, M, K],
 * B [batch?, K, N] (or [N, K] with transB); a 2-D B is shared by all batches.
 * Shaders: shaders/matmul.wgsl (portable variants), shaders/matmul_sg.wgsl (subgroups),
 * shaders/matvec.wgsl (1-4 rows).
 * Reference: src/core/ref/matmul.ts. Variant choice: {@link chooseMatmulVariant};
 * measurements behind it: docs/benchmarks.md (`npm run bench`).
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import type { CapabilityReport } from '../capabilities';
import { params, type Batch, type Dispatch, type GpuContext, type Plan } from '../context';
import type { PipelineKey } from '../pipelines';

/**
 * matvec: ROWS (1, 2 or 4) x 8 outputs per invocation (shaders/matvec.wgsl), for 1-4 rows
 * (decoding one token, small expert batches).
 * reg4x4: 4 x 4 outputs per invocation, no barriers (portable default, few rows).
 * reg8x8: 8 x 8 per invocation, no barriers (software adapters without subgroups).
 * subgroup8x8: reg8x8 sharing A reads through subgroup broadcasts (SwiftShader).
 * tiled: 64 x 64 per workgroup staged in workgroup memory (hardware GPUs).
 */
export type MatmulVariant = 'matvec' | 'reg4x4' | 'reg8x8' | 'subgroup8x8' | 'tiled';
export const MATMUL_VARIANTS: readonly MatmulVariant[] = ['matvec', 'reg4x4', 'reg8x8', 'subgroup8x8', 'tiled'];

export interface MatmulOptions {
  transB?: boolean;
  bias?: GpuTensor;
  /** Added element-wise to the result (same shape as C, a distinct buffer); excludes `bias`. */
  residual?: GpuTensor;
  /** Scales the product before the bias / residual is added (default 1). */
  alpha?: number;
  /** Reuse an output tensor instead of allocating one. */
  out?: GpuTensor;
  label?: string;
  /** Force a variant (tests, benchmarks); by default {@link chooseMatmulVariant} decides. */
  variant?: MatmulVariant;
}

const WG = 8;
/** Invocations of a matvec workgroup (along N). */
const MATVEC_WG = 16;
/** Outputs per invocation along N (x) and M (y); tiled: per workgroup. */
const TILE: Record<MatmulVariant, [number, number]> = { matvec: [8, 4], reg4x4: [4, 4], reg8x8: [8, 8], subgroup8x8: [8, 8], tiled: [64, 64] };

/** Rows per matvec invocation for M rows: 1, 2 or 4. */
const matvecRows = (M: number): number => (M <= 1 ? 1 : M === 2 ? 2 : 4);

/**
 * Invocations along M per workgroup: the register-tile variants shrink the workgroup to the
 * rows that exist (a 64-row block for 16 rows would compute 48 clamped rows; the subgroup
 * variant cannot skip them, its broadcasts need every lane).
 */
function wgRows(variant: MatmulVariant, M: number): number {
  if (variant === 'tiled' || variant === 'matvec') return 1;
  const need = Math.ceil(M / TILE[variant][1]);
  return Math.min(WG, 2 ** Math.ceil(Math.log2(Math.max(1, need))));
}

/** The pipeline of `variant` for M rows (M only shapes the workgroup; default: full size). */
export function matmulPipeline(transB: boolean, variant: MatmulVariant = 'reg4x4', M = 1 << 20): PipelineKey {
  const TRANS_B = transB ? 1 : 0;
  const WG_Y = wgRows(variant, M);
  switch (variant) {
    case 'matvec':
      return { shader: 'matvec', constants: { WG: MATVEC_WG, ROWS: matvecRows(M), TRANS_B } };
    case 'reg4x4':
      return { shader: 'matmul', constants: { WG_X: WG, WG_Y, TRANS_B } };
    case 'reg8x8':
      return { shader: 'matmul', entryPoint: 'main_8x8', constants: { WG_X: WG, WG_Y, TRANS_B } };
    case 'subgroup8x8':
      return { shader: 'matmul_sg', constants: { WG_X: WG, WG_Y, TRANS_B } };
    case 'tiled':
      return { shader: 'matmul', entryPoint: 'main_tiled', constants: { TRANS_B } };
  }
}

/** Workgroups along N and M for `variant` on an M x N output. */
function matmulGrid(variant: MatmulVariant, M: number, N: number): [number, number] {
  const [tx, ty] = TILE[variant];
  if (variant === 'tiled') return [Math.ceil(N / tx), Math.ceil(M / ty)];
  if (variant === 'matvec') return [Math.ceil(N / (tx * MATVEC_WG)), Math.ceil(M / matvecRows(M))];
  return [Math.ceil(N / (tx * WG)), Math.ceil(M / (ty * wgRows(variant, M)))];
}

/** Whether `variant` can run on this device (subgroup8x8 needs SwiftShader's 4-wide subgroups). */
export function matmulVariantSupported(caps: CapabilityReport, variant: MatmulVariant): boolean {
  if (variant !== 'subgroup8x8') return true;
  return caps.features.includes('subgroups') && caps.architecture.toLowerCase() === 'swiftshader';
}

/**
 * The heuristic. One row (decoding a token): the matvec kernel everywhere. Software adapters
 * read storage through per-lane gathers and pay heavily for barriers, so they get the
 * barrier-free 8 x 8 kernels with the workgroup shrunk to the rows that exist (with subgroup
 * sharing on SwiftShader, which measured fastest from 2 rows up); hardware GPUs get the
 * workgroup-memory tiled kernel from 16 rows, matvec up to 4 rows and 4 x 4 tiles between.
 * Measurements: docs/benchmarks.md.
 */
export function chooseMatmulVariant(caps: CapabilityReport, M: number): MatmulVariant {
  if (M <= 1) return 'matvec';
  if (caps.isFallbackAdapter && matmulVariantSupported(caps, 'subgroup8x8')) return 'subgroup8x8';
  if (M <= 4) return 'matvec';
  if (M < 16) return 'reg4x4';
  return caps.isFallbackAdapter ? 'reg8x8' : 'tiled';
}

/** Record C = A @ op(B) into `batch`; returns C ([batch?, M, N]). */
export async function matmul(
  ctx: GpuContext, batch: Batch, a: GpuTensor, b: GpuTensor, opts: MatmulOptions = {},
): Promise<GpuTensor> {
  const p = matmulPlan(ctx, a, b, opts);
  await batch.add(p.dispatch);
  return p.out;
}

/** The dispatch of C = A @ op(B) and C, without recording it. */
export function matmulPlan(ctx: GpuContext, a: GpuTensor, b: GpuTensor, opts: MatmulOptions = {}): Plan {
  const transB = opts.transB ?? false;
  if (a.shape.length < 2 || b.shape.length < 2) throw new InvalidArgumentError('matmul needs tensors of rank >= 2');
  const M = a.shape[a.shape.length - 2];
  const K = a.shape[a.shape.length - 1];
  const bRows = b.shape[b.shape.length - 2];
  const bCols = b.shape[b.shape.length - 1];
  const N = transB ? bRows : bCols;
  const Kb = transB ? bCols : bRows;
  if (Kb !== K) {
    throw new InvalidArgumentError(`matmul shapes do not match: A [${a.shape.join(', ')}], B [${b.shape.join(', ')}]${transB ? ' (transposed)' : ''}`);
  }
  const nBatch = a.numel / (M * K);
  const bBatch = b.numel / (K * N);
  if (bBatch !== 1 && bBatch !== nBatch) throw new InvalidArgumentError('matmul: B must have 1 or the same number of batches as A');
  if (opts.bias && opts.bias.numel !== N) throw new InvalidArgumentError(`matmul: bias has ${opts.bias.numel} elements, expected ${N}`);
  if (opts.residual && opts.bias) throw new InvalidArgumentError('matmul: pass a bias or a residual, not both');
  if (opts.residual && opts.residual.numel !== nBatch * M * N) {
    throw new InvalidArgumentError(`matmul: residual has ${opts.residual.numel} elements, expected ${nBatch * M * N}`);
  }
  const outShape = [...a.shape.slice(0, -1), N];
  const c = opts.out ?? ctx.tensor(outShape, opts.label ?? 'matmul.out');
  const maxDim = ctx.device.limits.maxComputeWorkgroupsPerDimension;
  if (nBatch > maxDim) throw new InvalidArgumentError(`matmul: ${nBatch} batches exceed the dispatch limit ${maxDim}`);
  const variant = opts.variant ?? chooseMatmulVariant(ctx.caps, M);
  if (!matmulVariantSupported(ctx.caps, variant)) {
    throw new InvalidArgumentError(`matmul: variant ${variant} does not run on this adapter; leave opts.variant unset`);
  }
  const [gx, gy] = matmulGrid(variant, M, N);
  const dispatch: Dispatch = {
    label: opts.label ?? 'matmul',
    pipeline: matmulPipeline(transB, variant, M),
    bindings: [a.buffer, b.buffer, opts.residual?.buffer ?? opts.bias?.buffer ?? ctx.dummy, c.buffer],
    uniforms: params([
      { u: M }, { u: N }, { u: K }, { u: opts.residual ? 2 : opts.bias ? 1 : 0 },
      { u: M * K }, { u: bBatch === 1 ? 0 : K * N }, { u: M * N }, { f: opts.alpha ?? 1 },
    ]),
    workgroups: [gx, gy, nBatch],
  };
  return { dispatch, out: c };
}

/** Rows up to which {@link swigluMatvec} is used (decoding); more rows take two matmuls. */
export const SWIGLU_FUSED_MAX_ROWS = 4;
export const swigluPipeline: PipelineKey = { shader: 'matvec', entryPoint: 'main_glu', constants: { WG: MATVEC_WG } };

/**
 * Record h[M, N] = silu(x gate^T) * (x up^T) for x [M, K], gate / up [N, K] in one pass
 * (shaders/matvec.wgsl main_glu: x read once, no intermediate tensors). Meant for a few rows;
 * reference: src/core/ref/matmul.ts swigluBT.
 */
export async function swigluMatvec(ctx: GpuContext, batch: Batch, x: GpuTensor, gate: GpuTensor, up: GpuTensor): Promise<GpuTensor> {
  const K = x.shape[x.shape.length - 1];
  const M = x.numel / K;
  const [N, Kg] = gate.shape;
  if (gate.shape.length !== 2 || Kg !== K || up.shape.length !== 2 || up.shape[0] !== N || up.shape[1] !== K) {
    throw new InvalidArgumentError(`swiglu: input [${M}, ${K}], gate [${gate.shape.join(', ')}], up [${up.shape.join(', ')}] do not match`);
  }
  const maxDim = ctx.device.limits.maxComputeWorkgroupsPerDimension;
  if (M > maxDim) throw new InvalidArgumentError(`swiglu: ${M} rows exceed the dispatch limit ${maxDim}`);
  const h = ctx.tensor([M, N], 'swiglu.out');
  await batch.add({
    label: 'swiglu',
    pipeline: swigluPipeline,
    bindings: [x.buffer, gate.buffer, up.buffer, h.buffer],
    uniforms: params([{ u: M }, { u: N }, { u: K }, { u: 0 }, { u: 0 }, { u: 0 }, { u: 0 }, { f: 1 }]),
    workgroups: [Math.ceil(N / (8 * MATVEC_WG)), M],
  });
  return h;
}

/** The portable default pipelines; the others compile on first use or via matmulPipelinesFor. */
export const MATMUL_PIPELINES: PipelineKey[] = [matmulPipeline(false), matmulPipeline(true)];

/** Every pipeline the heuristic can pick on this adapter, for compiling ahead of use. */
export function matmulPipelinesFor(caps: CapabilityReport): PipelineKey[] {
  const keys = [1, 2, 4, 8, 16, 32, 1 << 20].map((M) => ({ M, v: chooseMatmulVariant(caps, M) }));
  return keys.flatMap(({ M, v }) => [matmulPipeline(false, v, M), matmulPipeline(true, v, M)]);
}
