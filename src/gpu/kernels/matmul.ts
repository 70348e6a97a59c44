/**
 * Matmul kernel: C[b] = A[b] @ B[b] or A[b] @ B[b]^T (+ bias). Shapes: A [batch?, M, K],
 * B [batch?, K, N] (or [N, K] with transB); a 2-D B is shared by all batches.
 * Shader: shaders/matmul.wgsl. Reference: src/core/ref/matmul.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

export interface MatmulOptions {
  transB?: boolean;
  bias?: GpuTensor;
  /** Reuse an output tensor instead of allocating one. */
  out?: GpuTensor;
  label?: string;
}

const WG = 8;
const TILE = 4;

export function matmulPipeline(transB: boolean): PipelineKey {
  return { shader: 'matmul', constants: { WG_X: WG, WG_Y: WG, TRANS_B: transB ? 1 : 0 } };
}

/** Record C = A @ op(B) into `batch`; returns C ([batch?, M, N]). */
export async function matmul(
  ctx: GpuContext, batch: Batch, a: GpuTensor, b: GpuTensor, opts: MatmulOptions = {},
): Promise<GpuTensor> {
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
  await batch.add({
    label: opts.label ?? 'matmul',
    pipeline: matmulPipeline(transB),
    bindings: [a.buffer, b.buffer, opts.bias?.buffer ?? ctx.dummy, c.buffer],
    uniforms: params([
      { u: M }, { u: N }, { u: K }, { u: opts.bias ? 1 : 0 },
      { u: M * K }, { u: bBatch === 1 ? 0 : K * N }, { u: M * N }, { u: 0 },
    ]),
    workgroups: [Math.ceil(N / (WG * TILE)), Math.ceil(M / (WG * TILE)), nBatch],
  });
  return c;
}

export const MATMUL_PIPELINES: PipelineKey[] = [matmulPipeline(false), matmulPipeline(true)];
