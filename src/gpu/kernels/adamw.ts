/**
 * AdamW update of one parameter tensor in place (moments m, v updated too), f32; the bias
 * corrections are computed on the host in f64. Records synchronously (pipeline compiled ahead:
 * TRAIN_PIPELINES). Shader: shaders/adamw.wgsl. Reference: adamwUpdate in src/core/train/optim.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { AdamWStep } from '../../core/train/optim';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const adamwPipeline: PipelineKey = { shader: 'adamw', constants: { WG } };

export function adamw(ctx: GpuContext, batch: Batch, param: GpuTensor, grad: GpuTensor, m: GpuTensor, v: GpuTensor, o: AdamWStep): void {
  const n = param.numel;
  if (grad.numel !== n || m.numel !== n || v.numel !== n) throw new InvalidArgumentError(`adamw: parameter ${n}, gradient ${grad.numel}, moments ${m.numel}, ${v.numel}`);
  batch.record({
    label: 'adamw', pipeline: adamwPipeline, bindings: [param.buffer, grad.buffer, m.buffer, v.buffer],
    uniforms: params([
      { u: n }, { f: o.beta1 }, { f: o.beta2 }, { f: o.eps },
      { f: o.lr }, { f: 1 - o.lr * o.weightDecay }, { f: 1 - o.beta1 ** o.step }, { f: 1 - o.beta2 ** o.step },
      { f: o.gradScale }, { u: 0 }, { u: 0 }, { u: 0 },
    ]),
    workgroups: grid2d(Math.ceil(n / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
