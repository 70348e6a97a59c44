/**
 * RoPE kernel: rotates every head of x [rows, nHeads * headDim] with a host-computed cos/sin
 * table cs ([rows, d/2] cos then [rows, d/2] sin, see ropeCosSin).
 * Shader: shaders/rope.wgsl. Reference: src/core/ref/rope.ts.
 */
import type { RopeTable } from '../../core/backend';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const ropePipeline: PipelineKey = { shader: 'rope', constants: { WG } };

/** cos and sin of position * invFreq in f64 (as the CPU reference), laid out for the kernel. */
export function ropeCosSin(positions: Int32Array, table: RopeTable): Float32Array {
  const half = table.invFreq.length;
  const rows = positions.length;
  const out = new Float32Array(2 * rows * half);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < half; i++) {
      const a = Math.fround(table.invFreq[i] * positions[r]);
      out[r * half + i] = Math.cos(a) * table.attentionScaling;
      out[rows * half + r * half + i] = Math.sin(a) * table.attentionScaling;
    }
  }
  return out;
}

export async function rope(
  ctx: GpuContext, batch: Batch, x: GpuTensor, cs: GpuTensor, nHeads: number, headDim: number,
): Promise<GpuTensor> {
  const rows = x.numel / (nHeads * headDim);
  const y = ctx.tensor(x.shape, 'rope.out');
  await batch.add({
    label: 'rope', pipeline: ropePipeline, bindings: [x.buffer, cs.buffer, y.buffer],
    uniforms: params([{ u: rows }, { u: nHeads }, { u: headDim }, { u: 0 }]),
    workgroups: grid2d(Math.ceil((rows * nHeads * headDim) / 2 / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
  return y;
}
