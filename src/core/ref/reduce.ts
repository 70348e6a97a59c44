/**
 * CPU reference for reductions over the last axis of [rows, cols]: sum, mean, max, sum of squares.
 * f64 accumulation.
 */

export const REDUCE_OPS = ['sum', 'mean', 'max', 'sumsq'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export function reduceRows(op: ReduceOp, x: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let acc = op === 'max' ? -Infinity : 0;
    for (let c = 0; c < cols; c++) {
      const v = x[o + c];
      if (op === 'max') acc = Math.max(acc, v);
      else if (op === 'sumsq') acc += v * v;
      else acc += v;
    }
    y[r] = op === 'mean' ? acc / cols : acc;
  }
  return y;
}
