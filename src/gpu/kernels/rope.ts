/**
 * RoPE kernel: rotates every head of x [rows, nHeads * headDim] with a host-computed cos/sin
 * table cs ([rows, d/2] cos then [rows, d/2] sin, see ropeCosSin).
 * Shader: shaders/rope.wgsl. Reference: src/core/ref/rope.ts.
 */
import type { RopeTable } from '../../core/backend';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type Dispatch, type GpuContext, type Plan } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const ropePipeline: PipelineKey = { shader: 'rope', constants: { WG } };

/**
 * cos and sin of position * invFreq in f64 (as the CPU reference), laid out for the kernel;
 * sign -1 negates the sines (the backward's inverse rotation).
 */
export function ropeCosSin(positions: Int32Array, table: RopeTable, sign: 1 | -1 = 1): Float32Array {
  const half = table.invFreq.length;
  const rows = positions.length;
  const out = new Float32Array(2 * rows * half);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < half; i++) {
      const a = Math.fround(table.invFreq[i] * positions[r]);
      out[r * half + i] = Math.cos(a) * table.attentionScaling;
      out[rows * half + r * half + i] = sign * Math.sin(a) * table.attentionScaling;
    }
  }
  return out;
}

export async function rope(
  ctx: GpuContext, batch: Batch, x: GpuTensor, cs: GpuTensor, nHeads: number, headDim: number,
): Promise<GpuTensor> {
  const p = ropePlan(ctx, x, cs, nHeads, headDim);
  await batch.add(p.dispatch);
  return p.out;
}

/**
 * The rope dispatch without recording it. With the table of ropeCosSin(..., -1) it is RoPE's
 * backward: the transpose of a rotation is the rotation by the negated angle
 * (reference: src/core/grad/rope.ts).
 */
export function ropePlan(ctx: GpuContext, x: GpuTensor, cs: GpuTensor, nHeads: number, headDim: number): Plan {
  const rows = x.numel / (nHeads * headDim);
  const y = ctx.tensor(x.shape, 'rope.out');
  const dispatch: Dispatch = {
    label: 'rope', pipeline: ropePipeline, bindings: [x.buffer, cs.buffer, y.buffer],
    uniforms: params([{ u: rows }, { u: nHeads }, { u: headDim }, { u: 0 }]),
    workgroups: grid2d(Math.ceil((rows * nHeads * headDim) / 2 / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  };
  return { dispatch, out: y };
}
