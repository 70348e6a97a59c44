/**
 * Fused softmax gradient of the chunked LM-head cross-entropy: a logits chunk [rows, cols]
 * (vocabulary columns [v0, v0 + cols)) becomes dz = scale_r (softmax_v - [v = target_r]) in
 * place, from the final running state [m | s | t] of xent.wgsl. Records synchronously
 * (pipeline compiled ahead: TRAIN_PIPELINES). Shader: shaders/xent_grad.wgsl.
 * Reference: lmHeadLossBackward in src/core/grad/crossentropy.ts.
 */
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const xentGradPipeline: PipelineKey = { shader: 'xent_grad', constants: { WG } };

export function xentGrad(
  ctx: GpuContext, batch: Batch, z: GpuTensor, targets: GpuTensor, state: GpuTensor, scale: GpuTensor, rows: number, cols: number, v0: number,
): void {
  batch.record({
    label: 'xent_grad', pipeline: xentGradPipeline, bindings: [z.buffer, targets.buffer, state.buffer, scale.buffer],
    uniforms: params([{ u: rows }, { u: cols }, { u: v0 }, { u: 0 }]),
    workgroups: grid2d(Math.ceil((rows * cols) / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
