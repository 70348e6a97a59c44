/**
 * Matmul kernel: C[b] = A[b] @ B[b] or A[b] @ B[b]^T (+ bias). Shapes: A [batch?, M, K],
 * B [batch?, K, N] (or [N, K] with transB); a 2-D B is shared by all batches.
 * Shaders: shaders/matmul.wgsl (portable variants), shaders/matmul_sg.wgsl (subgroups).
 * Reference: src/core/ref/matmul.ts. Variant choice: {@link chooseMatmulVariant};
 * measurements behind it: docs/benchmarks.md (`npm run bench`).
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import type { CapabilityReport } from '../capabilities';
import { params, type Batch, type Dispatch, type GpuContext, type Plan } from '../context';
import type { PipelineKey } from '../pipelines';

/**
 * reg4x4: 4 x 4 outputs per invocation, no barriers (portable default, few rows).
 * reg8x8: 8 x 8 per invocation, no barriers (software adapters without subgroups).
 * subgroup8x8: reg8x8 sharing A reads through subgroup broadcasts (SwiftShader).
 * tiled: 64 x 64 per workgroup staged in workgroup memory (hardware GPUs).
 */
export type MatmulVariant = 'reg4x4' | 'reg8x8' | 'subgroup8x8' | 'tiled';
export const MATMUL_VARIANTS: readonly MatmulVariant[] = ['reg4x4', 'reg8x8', 'subgroup8x8', 'tiled'];

export interface MatmulOptions {
  transB?: boolean;
  bias?: GpuTensor;
  /** Reuse an output tensor instead of allocating one. */
  out?: GpuTensor;
  label?: string;
  /** Force a variant (tests, benchmarks); by default {@link chooseMatmulVariant} decides. */
  variant?: MatmulVariant;
}

const WG = 8;
/** Outputs per workgroup along N (x) and M (y). */
const BLOCK: Record<MatmulVariant, number> = { reg4x4: WG * 4, reg8x8: WG * 8, subgroup8x8: WG * 8, tiled: 64 };

export function matmulPipeline(transB: boolean, variant: MatmulVariant = 'reg4x4'): PipelineKey {
  const TRANS_B = transB ? 1 : 0;
  switch (variant) {
    case 'reg4x4':
      return { shader: 'matmul', constants: { WG_X: WG, WG_Y: WG, TRANS_B } };
    case 'reg8x8':
      return { shader: 'matmul', entryPoint: 'main_8x8', constants: { WG_X: WG, WG_Y: WG, TRANS_B } };
    case 'subgroup8x8':
      return { shader: 'matmul_sg', constants: { WG_X: WG, WG_Y: WG, TRANS_B } };
    case 'tiled':
      return { shader: 'matmul', entryPoint: 'main_tiled', constants: { TRANS_B } };
  }
}

/** Whether `variant` can run on this device (subgroup8x8 needs SwiftShader's 4-wide subgroups). */
export function matmulVariantSupported(caps: CapabilityReport, variant: MatmulVariant): boolean {
  if (variant !== 'subgroup8x8') return true;
  return caps.features.includes('subgroups') && caps.architecture.toLowerCase() === 'swiftshader';
}

/**
 * The heuristic. Software adapters read storage through per-lane gathers and pay heavily for
 * barriers, so they get the barrier-free 8 x 8 kernels (with subgroup sharing on SwiftShader);
 * hardware GPUs get the workgroup-memory tiled kernel; fewer than 16 rows keep 4 x 4 tiles,
 * which waste less of each tile on rows that do not exist.
 */
export function chooseMatmulVariant(caps: CapabilityReport, M: number): MatmulVariant {
  if (M < 16) return 'reg4x4';
  if (!caps.isFallbackAdapter) return 'tiled';
  return matmulVariantSupported(caps, 'subgroup8x8') ? 'subgroup8x8' : 'reg8x8';
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
  const outShape = [...a.shape.slice(0, -1), N];
  const c = opts.out ?? ctx.tensor(outShape, opts.label ?? 'matmul.out');
  const maxDim = ctx.device.limits.maxComputeWorkgroupsPerDimension;
  if (nBatch > maxDim) throw new InvalidArgumentError(`matmul: ${nBatch} batches exceed the dispatch limit ${maxDim}`);
  const variant = opts.variant ?? chooseMatmulVariant(ctx.caps, M);
  if (!matmulVariantSupported(ctx.caps, variant)) {
    throw new InvalidArgumentError(`matmul: variant ${variant} does not run on this adapter; leave opts.variant unset`);
  }
  const block = BLOCK[variant];
  const dispatch: Dispatch = {
    label: opts.label ?? 'matmul',
    pipeline: matmulPipeline(transB, variant),
    bindings: [a.buffer, b.buffer, opts.bias?.buffer ?? ctx.dummy, c.buffer],
    uniforms: params([
      { u: M }, { u: N }, { u: K }, { u: opts.bias ? 1 : 0 },
      { u: M * K }, { u: bBatch === 1 ? 0 : K * N }, { u: M * N }, { u: 0 },
    ]),
    workgroups: [Math.ceil(N / block), Math.ceil(M / block), nBatch],
  };
  return { dispatch, out: c };
}

/** The portable default pipelines; the others compile on first use or via matmulPipelinesFor. */
export const MATMUL_PIPELINES: PipelineKey[] = [matmulPipeline(false), matmulPipeline(true)];

/** Every pipeline the heuristic can pick on this adapter, for compiling ahead of use. */
export function matmulPipelinesFor(caps: CapabilityReport): PipelineKey[] {
  const variants = new Set([chooseMatmulVariant(caps, 1), chooseMatmulVariant(caps, 1 << 20)]);
  return [...variants].flatMap((v) => [matmulPipeline(false, v), matmulPipeline(true, v)]);
}
