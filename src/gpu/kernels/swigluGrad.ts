/**
 * SwiGLU backward, element-wise: from dh and the forward's g, u (h = silu(g) * u) to dg, du.
 * Records synchronously (pipeline compiled ahead: TRAIN_PIPELINES).
 * Shader: shaders/swiglu_grad.wgsl. Reference: siluMulBackward in src/core/grad/swiglu.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const swigluGradPipeline: PipelineKey = { shader: 'swiglu_grad', constants: { WG } };

export function siluMulBackward(ctx: GpuContext, batch: Batch, dh: GpuTensor, g: GpuTensor, u: GpuTensor): { dg: GpuTensor; du: GpuTensor } {
  if (dh.numel !== g.numel || u.numel !== g.numel) throw new InvalidArgumentError(`swiglu backward: ${dh.numel}, ${g.numel}, ${u.numel} elements`);
  const dg = ctx.tensor(g.shape, 'swiglu_grad.dg');
  const du = ctx.tensor(u.shape, 'swiglu_grad.du');
  batch.record({
    label: 'swiglu_grad', pipeline: swigluGradPipeline, bindings: [dh.buffer, g.buffer, u.buffer, dg.buffer, du.buffer],
    uniforms: params([{ u: g.numel }, { u: 0 }, { u: 0 }, { u: 0 }]),
    workgroups: grid2d(Math.ceil(g.numel / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
  return { dg, du };
}
