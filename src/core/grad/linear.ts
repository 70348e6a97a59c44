/**
 * f64 CPU reference for the linear layer y = x W^T (+ b) and its backward, HF [out, in] layout:
 *   x [n, in], W [out, in], b [out], y [n, out]
 *   dx = dy W            [n, in]
 *   dW += dy^T x         [out, in]   (accumulated: gradient accumulation and tied weights)
 *   db += sum_rows dy    [out]
 * Embedding lookup (rows of a table) and its backward (scatter-add of rows into the table's
 * gradient) live here too: the LM head and the embedding may share one tensor.
 * Loops run along contiguous rows so that the JS engine streams memory.
 */

export function linearForward(
  x: Float64Array, w: Float64Array, b: Float64Array | null, n: number, inp: number, out: number,
): Float64Array {
  const y = new Float64Array(n * out);
  for (let i = 0; i < n; i++) {
    const xo = i * inp;
    for (let o = 0; o < out; o++) {
      const wo = o * inp;
      let s = 0;
      for (let p = 0; p < inp; p++) s += x[xo + p] * w[wo + p];
      y[i * out + o] = s + (b ? b[o] : 0);
    }
  }
  return y;
}

/** dx = dy W. */
export function linearBackwardInput(dy: Float64Array, w: Float64Array, n: number, inp: number, out: number): Float64Array {
  const dx = new Float64Array(n * inp);
  for (let i = 0; i < n; i++) {
    const xo = i * inp;
    for (let o = 0; o < out; o++) {
      const a = dy[i * out + o];
      if (a === 0) continue;
      const wo = o * inp;
      for (let p = 0; p < inp; p++) dx[xo + p] += a * w[wo + p];
    }
  }
  return dx;
}

/** dW += dy^T x and db += column sums of dy (when given). */
export function linearBackwardWeight(
  dy: Float64Array, x: Float64Array, n: number, inp: number, out: number, dw: Float64Array, db: Float64Array | null,
): void {
  for (let i = 0; i < n; i++) {
    const xo = i * inp;
    for (let o = 0; o < out; o++) {
      const a = dy[i * out + o];
      if (a === 0) continue;
      const wo = o * inp;
      for (let p = 0; p < inp; p++) dw[wo + p] += a * x[xo + p];
      if (db) db[o] += a;
    }
  }
}

/** Rows of table [V, h] for each id -> [ids.length, h]. */
export function embeddingForward(table: Float64Array, h: number, ids: Int32Array): Float64Array {
  const y = new Float64Array(ids.length * h);
  for (let r = 0; r < ids.length; r++) y.set(table.subarray(ids[r] * h, ids[r] * h + h), r * h);
  return y;
}

/** dTable[ids[r]] += dy[r]: a repeated id accumulates. */
export function embeddingBackward(dy: Float64Array, h: number, ids: Int32Array, dTable: Float64Array): void {
  for (let r = 0; r < ids.length; r++) {
    const t = ids[r] * h;
    const o = r * h;
    for (let c = 0; c < h; c++) dTable[t + c] += dy[o + c];
  }
}
