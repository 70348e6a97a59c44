/**
 * CPU reference for RMSNorm as in HF Qwen2/Llama: y = x / sqrt(mean(x^2) + eps) * weight,
 * over the last axis of [rows, cols], computed in f64 (HF computes it in f32 after upcasting).
 */

export function rmsnorm(
  x: Float32Array, weight: Float32Array, rows: number, cols: number, eps: number,
): Float32Array {
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let ss = 0;
    for (let c = 0; c < cols; c++) ss += x[o + c] * x[o + c];
    const inv = 1 / Math.sqrt(ss / cols + eps);
    for (let c = 0; c < cols; c++) y[o + c] = x[o + c] * inv * weight[c];
  }
  return y;
}
