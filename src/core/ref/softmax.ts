/**
 * CPU reference for a numerically stable row softmax over the last axis of [rows, cols]:
 * y = exp(x - max) / sum exp(x - max), f64 accumulation.
 */

export function softmaxRows(x: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, x[o + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[o + c] - mx);
    for (let c = 0; c < cols; c++) y[o + c] = Math.exp(x[o + c] - mx) / s;
  }
  return y;
}

/** log-sum-exp per row, used by the cross-entropy loss. */
export function logSumExpRows(x: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, x[o + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[o + c] - mx);
    out[r] = mx + Math.log(s);
  }
  return out;
}
