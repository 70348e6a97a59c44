/**
 * Element-wise kernels: unary activations, affine, and binary ops with row broadcasting of b.
 * Shader: shaders/elementwise.wgsl. Reference: src/core/ref/elementwise.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { BinaryOp, UnaryOp } from '../../core/ref/elementwise';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type Dispatch, type GpuContext, type Plan } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const UNARY_CODE: Record<UnaryOp | 'affine', number> = {
  silu: 0, gelu_tanh: 1, relu: 2, exp: 3, neg: 4, sigmoid: 5, affine: 6,
};
export const BINARY_CODE: Record<BinaryOp, number> = { add: 16, sub: 17, mul: 18, div: 19, silu_mul: 20 };

export function elementwisePipeline(code: number): PipelineKey {
  return { shader: 'elementwise', constants: { OP: code, WG } };
}

async function dispatch(
  ctx: GpuContext, batch: Batch, code: number, a: GpuTensor, b: GpuTensor | undefined,
  alpha: number, beta: number, out: GpuTensor | undefined, label: string,
): Promise<GpuTensor> {
  const p = plan(ctx, code, a, b, alpha, beta, out, label);
  await batch.add(p.dispatch);
  return p.out;
}

function plan(
  ctx: GpuContext, code: number, a: GpuTensor, b: GpuTensor | undefined, alpha: number, beta: number, out: GpuTensor | undefined, label: string,
): Plan {
  const y = out ?? ctx.tensor(a.shape, label);
  const [gx, gy] = grid2d(Math.ceil(a.numel / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const d: Dispatch = {
    label,
    pipeline: elementwisePipeline(code),
    bindings: [a.buffer, (b ?? a).buffer, y.buffer],
    uniforms: params([{ u: a.numel }, { u: b ? b.numel : 1 }, { f: alpha }, { f: beta }]),
    workgroups: [gx, gy],
  };
  return { dispatch: d, out: y };
}

export function unary(ctx: GpuContext, batch: Batch, op: UnaryOp, x: GpuTensor, out?: GpuTensor): Promise<GpuTensor> {
  return dispatch(ctx, batch, UNARY_CODE[op], x, undefined, 1, 0, out, `unary.${op}`);
}

export function affine(
  ctx: GpuContext, batch: Batch, x: GpuTensor, alpha: number, beta: number, out?: GpuTensor,
): Promise<GpuTensor> {
  return dispatch(ctx, batch, UNARY_CODE.affine, x, undefined, alpha, beta, out, 'affine');
}

export async function binary(
  ctx: GpuContext, batch: Batch, op: BinaryOp, a: GpuTensor, b: GpuTensor, out?: GpuTensor,
): Promise<GpuTensor> {
  const p = binaryPlan(ctx, op, a, b, out);
  await batch.add(p.dispatch);
  return p.out;
}

export function binaryPlan(ctx: GpuContext, op: BinaryOp, a: GpuTensor, b: GpuTensor, out?: GpuTensor): Plan {
  if (b.numel === 0 || a.numel % b.numel !== 0) {
    throw new InvalidArgumentError(`binary ${op}: b has ${b.numel} elements, which does not divide a's ${a.numel}`);
  }
  return plan(ctx, BINARY_CODE[op], a, b, 1, 0, out, `binary.${op}`);
}

export const ELEMENTWISE_PIPELINES: PipelineKey[] = [
  ...Object.values(UNARY_CODE), ...Object.values(BINARY_CODE),
].map(elementwisePipeline);
