/**
 * Backward of the sigmoid row gate y[r] = x[r] * sigmoid(s[r]) (Qwen2-MoE's shared expert):
 * dx and ds [rows, 1], one workgroup per row. Records synchronously (pipeline compiled ahead:
 * TRAIN_PIPELINES). Shader: shaders/gate_grad.wgsl.
 * Reference: mulSigmoidRowsBackward in src/core/grad/swiglu.ts.
 */
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import { ROW_WG, rowsCols } from './rowshape';

export const gateGradPipeline: PipelineKey = { shader: 'gate_grad', constants: { WG: ROW_WG } };

export function mulSigmoidRowsBackward(ctx: GpuContext, batch: Batch, dy: GpuTensor, x: GpuTensor, s: GpuTensor): { dx: GpuTensor; ds: GpuTensor } {
  const [rows, cols] = rowsCols(x);
  const dx = ctx.tensor(x.shape, 'gate_grad.dx');
  const ds = ctx.tensor([rows, 1], 'gate_grad.ds');
  batch.record({
    label: 'gate_grad', pipeline: gateGradPipeline, bindings: [dy.buffer, x.buffer, s.buffer, dx.buffer, ds.buffer],
    uniforms: params([{ u: rows }, { u: cols }, { u: 0 }, { u: 0 }]),
    workgroups: grid2d(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
  return { dx, ds };
}
