/**
 * In-place accumulation acc[offset + i] += alpha * x[i] (gradient accumulation). Records
 * synchronously: the pipeline must be compiled ahead (TRAIN_PIPELINES).
 * Shader: shaders/accumulate.wgsl. Reference: TrainBackend.addInPlace (CpuTrainBackend).
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const accumulatePipeline: PipelineKey = { shader: 'accumulate', constants: { WG } };

export function accumulate(ctx: GpuContext, batch: Batch, acc: GpuTensor, x: GpuTensor, alpha = 1, offset = 0): void {
  if (offset + x.numel > acc.numel) throw new InvalidArgumentError(`accumulate: ${x.numel} values at offset ${offset} do not fit ${acc.numel}`);
  if (x.numel === 0) return;
  batch.record({
    label: 'accumulate', pipeline: accumulatePipeline, bindings: [acc.buffer, x.buffer],
    uniforms: params([{ u: x.numel }, { u: offset }, { f: alpha }, { u: 0 }]),
    workgroups: grid2d(Math.ceil(x.numel / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
