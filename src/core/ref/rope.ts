/**
 * CPU reference for rotary position embeddings as HF Qwen2 / Llama / Mistral compute them.
 * Inverse frequencies invFreq[i] = theta^(-2i/d) for i < d/2 (rounded to f32 like HF), optionally
 * rescaled (linear, or Llama 3.1's "llama3" frequency bands). Rotation uses HF's rotate_half
 * convention: element i pairs with element i + d/2 and both use invFreq[i]:
 *   y[i]       = x[i] cos(p w_i) - x[i + d/2] sin(p w_i)
 *   y[i + d/2] = x[i + d/2] cos(p w_i) + x[i] sin(p w_i)
 * Shapes: x [rows, nHeads * headDim], positions [rows].
 */
import type { RopeTable } from '../backend';

export type RopeScaling =
  | { type: 'default' }
  | { type: 'linear'; factor: number }
  | {
      type: 'llama3';
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositions: number;
    };

const f32 = Math.fround;

/** HF's inverse frequencies for head dimension `dim`, base `theta` and a scaling rule. */
export function ropeTable(dim: number, theta: number, scaling: RopeScaling = { type: 'default' }): RopeTable {
  const half = dim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = f32(1 / f32(theta ** f32((2 * i) / dim)));
  if (scaling.type === 'linear') {
    for (let i = 0; i < half; i++) inv[i] = f32(inv[i] / scaling.factor);
  } else if (scaling.type === 'llama3') {
    // Llama 3.1: long wavelengths are slowed by `factor`, short ones kept, the band between
    // interpolated smoothly (transformers' _compute_llama3_parameters).
    const { factor, lowFreqFactor: lo, highFreqFactor: hi, originalMaxPositions: ctx } = scaling;
    const lowWavelen = ctx / lo;
    const highWavelen = ctx / hi;
    for (let i = 0; i < half; i++) {
      const w = inv[i];
      const wavelen = (2 * Math.PI) / w;
      if (wavelen > lowWavelen) inv[i] = f32(w / factor);
      else if (wavelen >= highWavelen) {
        const smooth = (ctx / wavelen - lo) / (hi - lo);
        inv[i] = f32((1 - smooth) * (w / factor) + smooth * w);
      }
    }
  }
  return { invFreq: inv, attentionScaling: 1 };
}

/** Apply RoPE to every head of x [rows, nHeads * headDim]; returns a new array. */
export function applyRope(
  x: Float32Array, rows: number, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable,
): Float32Array {
  const half = headDim / 2;
  const width = nHeads * headDim;
  const y = new Float32Array(rows * width);
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let r = 0; r < rows; r++) {
    const p = positions[r];
    for (let i = 0; i < half; i++) {
      // HF forms the angle as an f32 product before cos/sin.
      const a = f32(table.invFreq[i] * p);
      cos[i] = Math.cos(a) * table.attentionScaling;
      sin[i] = Math.sin(a) * table.attentionScaling;
    }
    for (let h = 0; h < nHeads; h++) {
      const o = r * width + h * headDim;
      for (let i = 0; i < half; i++) {
        const x1 = x[o + i];
        const x2 = x[o + i + half];
        y[o + i] = x1 * cos[i] - x2 * sin[i];
        y[o + i + half] = x2 * cos[i] + x1 * sin[i];
      }
    }
  }
  return y;
}
