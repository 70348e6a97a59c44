/**
 * RMSNorm backward over the last axis of [rows, cols]: dx (one workgroup per row, writing each
 * row's 1 / rms as it goes) and, when dw is given, dw += sum_r dy * x / rms_r (colsum). Records
 * synchronously (pipelines compiled ahead: TRAIN_PIPELINES). Shader: shaders/rmsnorm_grad.wgsl.
 * Reference: src/core/grad/rmsnorm.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import { colsumInto } from './colsum';
import { ROW_WG, rowsCols } from './rowshape';

export const rmsnormGradPipeline: PipelineKey = { shader: 'rmsnorm_grad', constants: { WG: ROW_WG } };

export function rmsnormBackward(ctx: GpuContext, batch: Batch, dy: GpuTensor, x: GpuTensor, w: GpuTensor, eps: number, dw: GpuTensor | null): GpuTensor {
  const [rows, cols] = rowsCols(x);
  if (w.numel !== cols || dy.numel !== x.numel) throw new InvalidArgumentError(`rmsnorm backward: weight ${w.numel}, dy ${dy.numel} for x [${rows}, ${cols}]`);
  const dx = ctx.tensor(x.shape, 'rmsnorm_grad.dx');
  const rstd = ctx.tensor([rows], 'rmsnorm_grad.rstd');
  batch.record({
    label: 'rmsnorm_grad', pipeline: rmsnormGradPipeline, bindings: [dy.buffer, x.buffer, w.buffer, dx.buffer, rstd.buffer],
    uniforms: params([{ u: rows }, { u: cols }, { f: eps }, { u: 0 }]),
    workgroups: grid2d(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
  if (dw) colsumInto(ctx, batch, dw, { ...dy, shape: [rows, cols] }, x, rstd);
  ctx.release(rstd);
  return dx;
}
