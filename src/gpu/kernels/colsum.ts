/**
 * Weighted column sums accumulated into a vector: acc[j] += sum_r a[r, j] * b[r, j] * s[r]
 * (b, s optional): RMSNorm's weight gradient, a bias's gradient. Records synchronously
 * (pipeline compiled ahead: TRAIN_PIPELINES). Shader: shaders/colsum.wgsl.
 * References: src/core/grad/rmsnorm.ts, src/core/grad/linear.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import { rowsCols } from './rowshape';

const WG = 64;
export const colsumPipeline: PipelineKey = { shader: 'colsum', constants: { WG } };

export function colsumInto(ctx: GpuContext, batch: Batch, acc: GpuTensor, a: GpuTensor, b: GpuTensor | null, s: GpuTensor | null): void {
  const [rows, cols] = rowsCols(a);
  if (acc.numel !== cols) throw new InvalidArgumentError(`colsum: accumulator of ${acc.numel} for ${cols} columns`);
  batch.record({
    label: 'colsum', pipeline: colsumPipeline,
    bindings: [acc.buffer, a.buffer, (b ?? a).buffer, (s ?? a).buffer],
    uniforms: params([{ u: rows }, { u: cols }, { u: (b ? 1 : 0) | (s ? 2 : 0) }, { u: 0 }]),
    workgroups: grid2d(Math.ceil(cols / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
