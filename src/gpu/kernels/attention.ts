/**
 * Causal GQA attention kernel with an online softmax (no [Tq, Tk] buffer). q [Tq, nHeads*hd],
 * k/v [Tk, nKvHeads*hd] -> [Tq, nHeads*hd]; head_dim up to 256.
 * Shader: shaders/attention.wgsl. Reference: src/core/ref/attention.ts.
 */
import type { AttentionOptions } from '../../core/backend';
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 64;
export const attentionPipeline: PipelineKey = { shader: 'attention', constants: { WG } };

export async function attention(
  ctx: GpuContext, batch: Batch, q: GpuTensor, k: GpuTensor, v: GpuTensor, o: AttentionOptions,
): Promise<GpuTensor> {
  if (o.headDim > 256) throw new InvalidArgumentError(`attention: head_dim ${o.headDim} exceeds the kernel's 256`);
  const tq = q.numel / (o.nHeads * o.headDim);
  const tk = k.numel / (o.nKvHeads * o.headDim);
  const y = ctx.tensor(q.shape, 'attention.out');
  await batch.add({
    label: 'attention', pipeline: attentionPipeline, bindings: [q.buffer, k.buffer, v.buffer, y.buffer],
    uniforms: params([
      { u: tq }, { u: tk }, { u: o.nHeads }, { u: o.nKvHeads },
      { u: o.headDim }, { u: o.queryOffset }, { u: o.slidingWindow ?? 0 }, { f: o.scale },
    ]),
    workgroups: grid2d(Math.ceil((tq * o.nHeads) / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
  return y;
}
