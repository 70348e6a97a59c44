/**
 * Causal GQA attention for training over independent sequences packed in one batch: the
 * forward keeps the output and the per-(row, head) log-sum-exp; the backward recomputes the
 * probabilities (FlashAttention style, no [T, T] buffer) in two race-free passes, queries
 * (dq) and keys (dk, dv). D = rowwise dO . O is a mul + row-sum over [T * nHeads, headDim].
 * Records synchronously (pipelines compiled ahead: TRAIN_PIPELINES); head_dim up to 256.
 * Shaders: shaders/attention_train.wgsl, attention_grad_q.wgsl, attention_grad_kv.wgsl.
 * Reference: src/core/grad/attention.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { Segment, TrainAttentionOptions } from '../../core/grad/attention';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';
import { binaryPlan } from './elementwise';
import { reducePlan } from './reduce';

const WG = 64;
export const attentionTrainPipeline: PipelineKey = { shader: 'attention_train', constants: { WG } };
export const attentionGradQPipeline: PipelineKey = { shader: 'attention_grad_q', constants: { WG } };
export const attentionGradKvPipeline: PipelineKey = { shader: 'attention_grad_kv', constants: { WG } };

/** Per row the first row of its segment, then per row one past its segment's last row. */
export function segmentTable(segments: Segment[], rows: number): Uint32Array {
  const out = new Uint32Array(2 * rows);
  let covered = 0;
  for (const s of segments) {
    for (let i = s.start; i < s.start + s.length; i++) {
      out[i] = s.start;
      out[rows + i] = s.start + s.length;
    }
    covered += s.length;
  }
  if (covered !== rows) throw new InvalidArgumentError(`attention: segments cover ${covered} of ${rows} rows`);
  return out;
}

function geometry(q: GpuTensor, o: TrainAttentionOptions): { t: number; uniforms: ArrayBuffer } {
  if (o.headDim > 256) throw new InvalidArgumentError(`attention: head_dim ${o.headDim} exceeds the kernel's 256`);
  if (o.nHeads % o.nKvHeads !== 0) throw new InvalidArgumentError(`attention: ${o.nHeads} heads are not a multiple of ${o.nKvHeads} kv heads`);
  const t = q.numel / (o.nHeads * o.headDim);
  const uniforms = params([
    { u: t }, { u: o.nHeads }, { u: o.nKvHeads }, { u: o.headDim },
    { u: o.slidingWindow ?? 0 }, { f: o.scale }, { u: 0 }, { u: 0 },
  ]);
  return { t, uniforms };
}

const groups = (ctx: GpuContext, n: number): [number, number] => grid2d(Math.ceil(n / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension);

export function attentionTrainForward(
  ctx: GpuContext, batch: Batch, q: GpuTensor, k: GpuTensor, v: GpuTensor, o: TrainAttentionOptions,
): { out: GpuTensor; lse: GpuTensor } {
  const { t, uniforms } = geometry(q, o);
  const seg = batch.small(segmentTable(o.segments, t), 'attention.seg');
  const out = ctx.tensor(q.shape, 'attention_train.out');
  const lse = ctx.tensor([t, o.nHeads], 'attention_train.lse');
  batch.record({
    label: 'attention_train', pipeline: attentionTrainPipeline,
    bindings: [q.buffer, k.buffer, v.buffer, seg.buffer, out.buffer, lse.buffer], uniforms, workgroups: groups(ctx, t * o.nHeads),
  });
  return { out, lse };
}

export function attentionTrainBackward(
  ctx: GpuContext, batch: Batch, dout: GpuTensor, q: GpuTensor, k: GpuTensor, v: GpuTensor, out: GpuTensor, lse: GpuTensor, o: TrainAttentionOptions,
): { dq: GpuTensor; dk: GpuTensor; dv: GpuTensor } {
  const { t, uniforms } = geometry(q, o);
  const nq = t * o.nHeads;
  const seg = batch.small(segmentTable(o.segments, t), 'attention.seg');
  // ld = [L | D], D = dO . O per (row, head).
  const prod = binaryPlan(ctx, 'mul', dout, out);
  batch.record(prod.dispatch);
  const d = reducePlan(ctx, 'sum', { ...prod.out, shape: [nq, o.headDim] });
  batch.record(d.dispatch);
  const ld = ctx.tensor([2, nq], 'attention_grad.ld');
  batch.copy(lse.buffer, 0, ld.buffer, 0, nq * 4);
  batch.copy(d.out.buffer, 0, ld.buffer, nq * 4, nq * 4);
  ctx.release(prod.out, d.out);
  const dq = ctx.tensor(q.shape, 'attention_grad.dq');
  const dk = ctx.tensor(k.shape, 'attention_grad.dk');
  const dv = ctx.tensor(v.shape, 'attention_grad.dv');
  const common = [q.buffer, k.buffer, v.buffer, seg.buffer, ld.buffer, dout.buffer];
  batch.record({ label: 'attention_grad_q', pipeline: attentionGradQPipeline, bindings: [...common, dq.buffer], uniforms, workgroups: groups(ctx, nq) });
  batch.record({ label: 'attention_grad_kv', pipeline: attentionGradKvPipeline, bindings: [...common, dk.buffer, dv.buffer], uniforms, workgroups: groups(ctx, t * o.nKvHeads) });
  ctx.release(ld);
  return { dq, dk, dv };
}
