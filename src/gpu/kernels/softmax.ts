/**
 * Row softmax over the last axis of [rows, cols], one workgroup per row (cols may be a whole
 * vocabulary). Shader: shaders/softmax.wgsl. Reference: src/core/ref/softmax.ts.
 */
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import { ROW_WG, rowsCols } from './rowshape';

export const softmaxPipeline: PipelineKey = { shader: 'softmax', constants: { WG: ROW_WG } };

export async function softmaxRows(ctx: GpuContext, batch: Batch, x: GpuTensor, out?: GpuTensor): Promise<GpuTensor> {
  const [rows, cols] = rowsCols(x);
  const y = out ?? ctx.tensor(x.shape, 'softmax.out');
  await batch.add({
    label: 'softmax', pipeline: softmaxPipeline, bindings: [x.buffer, y.buffer],
    uniforms: params([{ u: rows }, { u: cols }, { u: 0 }, { u: 0 }]),
    workgroups: grid2d(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
  return y;
}
