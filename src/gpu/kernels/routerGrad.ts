/**
 * MoE router backward: logits [T, E] and the gradient of the kept combine weights dw [T, k]
 * (slot order) to d(logits), through softmax, top-k and the optional renormalisation, plus
 * optional extra gradients on the probabilities and on the logits (auxiliary losses). One
 * invocation per token; E <= 256. Records synchronously (pipeline compiled ahead:
 * TRAIN_PIPELINES). Shader: shaders/router_grad.wgsl. Reference: src/core/grad/router.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import { rowsCols } from './rowshape';

const WG = 64;
export const MAX_ROUTER_EXPERTS = 256;
export const routerGradPipeline: PipelineKey = { shader: 'router_grad', constants: { WG } };

export interface RouterGradInputs {
  logits: GpuTensor;
  dWeights: GpuTensor;
  topK: number;
  renormalize: boolean;
  dProbs?: GpuTensor | null;
  dLogits?: GpuTensor | null;
}

export function routerBackward(ctx: GpuContext, batch: Batch, r: RouterGradInputs): GpuTensor {
  const [t, e] = rowsCols(r.logits);
  if (e > MAX_ROUTER_EXPERTS) throw new InvalidArgumentError(`router backward: ${e} experts exceed the kernel's ${MAX_ROUTER_EXPERTS}`);
  if (r.topK < 1 || r.topK > e || r.dWeights.numel !== t * r.topK) throw new InvalidArgumentError(`router backward: top-${r.topK} of ${e} with ${r.dWeights.numel} weight gradients for ${t} tokens`);
  const out = ctx.tensor([t, e], 'router_grad.out');
  const flags = (r.renormalize ? 1 : 0) | (r.dProbs ? 2 : 0) | (r.dLogits ? 4 : 0);
  batch.record({
    label: 'router_grad', pipeline: routerGradPipeline,
    bindings: [r.logits.buffer, r.dWeights.buffer, (r.dProbs ?? r.logits).buffer, (r.dLogits ?? r.logits).buffer, out.buffer],
    uniforms: params([{ u: t }, { u: e }, { u: r.topK }, { u: flags }]),
    workgroups: grid2d(Math.ceil(t / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
  return out;
}
