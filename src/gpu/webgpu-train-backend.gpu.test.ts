// WebGpuTrainBackend's input checks: bad shapes and ids raise InvalidArgumentError with what to
// fix, and a synchronous dispatch of a pipeline that was never compiled is refused.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, StudioError } from '../core/errors';
import type { GpuContext } from './context';
import { useNodeGpu } from './testing/node-gpu';
import { WebGpuTrainBackend } from './webgpu-train-backend';

let ctx: GpuContext;
let be: WebGpuTrainBackend;

useNodeGpu(async (c) => {
  ctx = c;
  be = await WebGpuTrainBackend.create(ctx);
});

describe('WebGpuTrainBackend input checks', () => {
  it('rejects mismatched shapes and out-of-vocabulary ids with InvalidArgumentError', () => {
    expect(() => be.upload(new Float32Array(5), [2, 3])).toThrow(/needs 6 values, got 5/);
    const table = be.zeros([10, 4]);
    expect(() => be.embedding(table, Int32Array.of(3, 10))).toThrow(InvalidArgumentError);
    expect(() => be.embeddingBackward(be.zeros([2, 4]), Int32Array.of(1, -1), table)).toThrow(/outside the vocabulary of 10/);
    expect(() => be.linear(be.zeros([3, 5]), be.zeros([2, 4]))).toThrow(/input has 5 features/);
    expect(() => be.write(table, [1, 2])).toThrow(/2 values for a tensor of 40/);
    expect(() => be.scatterAddRows(table, be.zeros([2, 4]), Int32Array.of(1, 1), [1, 1])).toThrow(/distinct/);
    const attn = { nHeads: 2, nKvHeads: 1, headDim: 512, scale: 1, slidingWindow: null, segments: [{ start: 0, length: 1 }] };
    expect(() => be.attention(be.zeros([1, 1024]), be.zeros([1, 512]), be.zeros([1, 512]), attn)).toThrow(/head_dim 512 exceeds/);
    const segs = { ...attn, headDim: 4, segments: [{ start: 0, length: 2 }] };
    expect(() => be.attention(be.zeros([3, 8]), be.zeros([3, 4]), be.zeros([3, 4]), segs)).toThrow(/segments cover 2 of 3 rows/);
  });

  it('refuses to record a dispatch whose pipeline was not compiled', () => {
    const b = ctx.batch();
    expect(() => b.record({ label: 'x', pipeline: { shader: 'accumulate', constants: { WG: 32 } }, bindings: [], workgroups: [1] })).toThrow(StudioError);
    b.submit();
  });
});
