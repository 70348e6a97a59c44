/**
 * Chunked cross-entropy update: folds one vocabulary chunk of logits [rows, cols] (columns
 * [v0, v0 + cols)) into the running state [m | s | t] (3 x rows). After the last chunk,
 * nll = m + ln(s) - t. Shader: shaders/xent.wgsl. Reference: src/core/ref/crossentropy.ts.
 */
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type Dispatch, type GpuContext } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 64;
export const xentPipeline: PipelineKey = { shader: 'xent', constants: { WG } };

/** Initial state: m = -3e38 (so exp(m - m_new) = 0), s = 0, t = 0. */
export function xentInitialState(rows: number): Float32Array {
  const s = new Float32Array(3 * rows);
  s.fill(-3e38, 0, rows);
  return s;
}

export async function xentChunk(
  ctx: GpuContext, batch: Batch, logits: GpuTensor, targets: GpuTensor, state: GpuTensor, rows: number, cols: number, v0: number,
): Promise<void> {
  await batch.add(xentChunkDispatch(ctx, logits, targets, state, rows, cols, v0));
}

export function xentChunkDispatch(
  ctx: GpuContext, logits: GpuTensor, targets: GpuTensor, state: GpuTensor, rows: number, cols: number, v0: number,
): Dispatch {
  return {
    label: 'xent', pipeline: xentPipeline, bindings: [logits.buffer, targets.buffer, state.buffer],
    uniforms: params([{ u: rows }, { u: cols }, { u: v0 }, { u: 0 }]),
    workgroups: grid2d(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  };
}

/** Host-side finish of the state read back: nll[r] = m + ln s - t (NaN for targets < 0). */
export function xentFinish(state: Float32Array, targets: Int32Array): Float64Array {
  const rows = targets.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = targets[r] < 0 ? NaN : state[r] + Math.log(state[rows + r]) - state[2 * rows + r];
  return out;
}
