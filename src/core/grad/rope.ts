/**
 * f64 CPU reference for rotary embeddings (HF rotate_half pairing (i, i + d/2), the convention of
 * src/core/ref/rope.ts, same f32-rounded angles) and its backward. RoPE is a rotation per pair,
 * so the backward is the inverse rotation (the transpose):
 *   y1 = x1 c - x2 s,  y2 = x2 c + x1 s     =>   dx1 = dy1 c + dy2 s,  dx2 = dy2 c - dy1 s
 * (c and s carry HF's attention_scaling, which makes the map a scaled rotation; the transpose
 * rule still holds). Shapes: x [rows, nHeads * headDim], positions [rows].
 */
import type { RopeTable } from '../backend';

function rotate(
  x: Float64Array, rows: number, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable, sign: 1 | -1,
): Float64Array {
  const half = headDim / 2;
  const width = nHeads * headDim;
  const y = new Float64Array(rows * width);
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < half; i++) {
      const a = Math.fround(table.invFreq[i] * positions[r]);
      cos[i] = Math.cos(a) * table.attentionScaling;
      sin[i] = sign * Math.sin(a) * table.attentionScaling;
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

export function ropeForward(
  x: Float64Array, rows: number, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable,
): Float64Array {
  return rotate(x, rows, nHeads, headDim, positions, table, 1);
}

/** The transpose of the forward map: rotation by the negated angle. */
export function ropeBackward(
  dy: Float64Array, rows: number, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable,
): Float64Array {
  return rotate(dy, rows, nHeads, headDim, positions, table, -1);
}
