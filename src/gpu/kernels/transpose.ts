/**
 * Transpose x [rows, cols] -> [cols, rows], so that dW = dY^T X is a plain matmul of the
 * existing variants. Records synchronously (pipeline compiled ahead: TRAIN_PIPELINES).
 * Shader: shaders/transpose.wgsl. Reference: src/core/grad/linear.ts.
 */
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import { rowsCols } from './rowshape';

const WG = 256;
export const transposePipeline: PipelineKey = { shader: 'transpose', constants: { WG } };

export function transpose(ctx: GpuContext, batch: Batch, x: GpuTensor): GpuTensor {
  const [rows, cols] = rowsCols(x);
  const y = ctx.tensor([cols, rows], 'transpose.out');
  batch.record({
    label: 'transpose', pipeline: transposePipeline, bindings: [x.buffer, y.buffer],
    uniforms: params([{ u: rows }, { u: cols }, { u: 0 }, { u: 0 }]),
    workgroups: grid2d(Math.ceil(x.numel / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
  return y;
}
