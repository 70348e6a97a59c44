/**
 * Embedding backward: dTable[ids[r]] += dy[r]. The host groups rows by token id (CSR), so one
 * invocation per (distinct id, column) sums its rows without write races, deterministically.
 * Records synchronously (pipeline compiled ahead: TRAIN_PIPELINES).
 * Shader: shaders/embedding_grad.wgsl. Reference: embeddingBackward in src/core/grad/linear.ts.
 */
import { InvalidArgumentError } from '../../core/errors';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const embeddingGradPipeline: PipelineKey = { shader: 'embedding_grad', constants: { WG } };

/** Distinct ids (ascending), offsets into `rows`, and the rows of each id in order. */
export function groupRowsById(ids: Int32Array): { uniq: Uint32Array; offsets: Uint32Array; rows: Uint32Array } {
  const order = Array.from(ids.keys()).sort((a, b) => ids[a] - ids[b] || a - b);
  const uniq: number[] = [];
  const offsets: number[] = [];
  order.forEach((r, i) => {
    if (i === 0 || ids[r] !== ids[order[i - 1]]) {
      uniq.push(ids[r]);
      offsets.push(i);
    }
  });
  offsets.push(order.length);
  return { uniq: Uint32Array.from(uniq), offsets: Uint32Array.from(offsets), rows: Uint32Array.from(order) };
}

export function embeddingBackward(ctx: GpuContext, batch: Batch, dy: GpuTensor, ids: Int32Array, dTable: GpuTensor): void {
  const [v, cols] = [dTable.shape[0], dTable.shape[dTable.shape.length - 1]];
  if (dy.numel !== ids.length * cols) throw new InvalidArgumentError(`embedding backward: dy has ${dy.numel} values for ${ids.length} rows of ${cols}`);
  for (const id of ids) if (id < 0 || id >= v) throw new InvalidArgumentError(`token id ${id} is outside the vocabulary of ${v}`);
  if (ids.length === 0) return;
  const g = groupRowsById(ids);
  batch.record({
    label: 'embedding_grad', pipeline: embeddingGradPipeline,
    bindings: [dy.buffer, batch.small(g.uniq, 'emb.uniq').buffer, batch.small(g.offsets, 'emb.offsets').buffer, batch.small(g.rows, 'emb.rows').buffer, dTable.buffer],
    uniforms: params([{ u: g.uniq.length }, { u: cols }, { u: 0 }, { u: 0 }]),
    workgroups: grid2d(Math.ceil((g.uniq.length * cols) / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
