/**
 * RMSNorm over the last axis of [rows, cols] with a [cols] weight, one workgroup per row.
 * Shader: shaders/rmsnorm.wgsl. Reference: src/core/ref/rmsnorm.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type Dispatch, type GpuContext, type Plan } from '../context';
import type { PipelineKey } from '../pipelines';
import { ROW_WG, rowsCols } from './rowshape';

export const rmsnormPipeline: PipelineKey = { shader: 'rmsnorm', constants: { WG: ROW_WG } };

export async function rmsnorm(
  ctx: GpuContext, batch: Batch, x: GpuTensor, weight: GpuTensor, eps: number, out?: GpuTensor,
): Promise<GpuTensor> {
  const p = rmsnormPlan(ctx, x, weight, eps, out);
  await batch.add(p.dispatch);
  return p.out;
}

export function rmsnormPlan(ctx: GpuContext, x: GpuTensor, weight: GpuTensor, eps: number, out?: GpuTensor): Plan {
  const [rows, cols] = rowsCols(x);
  if (weight.numel !== cols) throw new InvalidArgumentError(`rmsnorm: weight has ${weight.numel} elements, expected ${cols}`);
  const y = out ?? ctx.tensor(x.shape, 'rmsnorm.out');
  const dispatch: Dispatch = {
    label: 'rmsnorm', pipeline: rmsnormPipeline, bindings: [x.buffer, weight.buffer, y.buffer],
    uniforms: params([{ u: rows }, { u: cols }, { f: eps }, { u: 0 }]),
    workgroups: grid2d(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  };
  return { dispatch, out: y };
}
