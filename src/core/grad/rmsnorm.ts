/**
 * f64 CPU reference for HF RMSNorm and its backward, over the last axis of x [rows, c]:
 *   r = 1 / sqrt(mean(x^2) + eps),  y = x * r * w
 *   g = dy * w;  dx = r * g - x * r^3 * (g . x) / c;  dw += sum_rows dy * x * r
 * The backward recomputes r from x instead of storing it (one pass over the row).
 */

export function rmsnormForward(x: Float64Array, w: Float64Array, rows: number, c: number, eps: number): Float64Array {
  const y = new Float64Array(rows * c);
  for (let i = 0; i < rows; i++) {
    const o = i * c;
    let ss = 0;
    for (let j = 0; j < c; j++) ss += x[o + j] * x[o + j];
    const r = 1 / Math.sqrt(ss / c + eps);
    for (let j = 0; j < c; j++) y[o + j] = x[o + j] * r * w[j];
  }
  return y;
}

export function rmsnormBackward(
  dy: Float64Array, x: Float64Array, w: Float64Array, rows: number, c: number, eps: number, dw: Float64Array | null,
): Float64Array {
  const dx = new Float64Array(rows * c);
  for (let i = 0; i < rows; i++) {
    const o = i * c;
    let ss = 0;
    let gx = 0;
    for (let j = 0; j < c; j++) {
      ss += x[o + j] * x[o + j];
      gx += dy[o + j] * w[j] * x[o + j];
    }
    const r = 1 / Math.sqrt(ss / c + eps);
    const k = (r * r * r * gx) / c;
    for (let j = 0; j < c; j++) {
      dx[o + j] = r * dy[o + j] * w[j] - x[o + j] * k;
      if (dw) dw[j] += dy[o + j] * x[o + j] * r;
    }
  }
  return dx;
}
