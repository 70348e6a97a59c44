/**
 * CPU reference for matrix products, row-major f32 in and out, f64 accumulation.
 * matmul:   C[M, N] = A[M, K] @ B[K, N]
 * matmulBT: C[M, N] = A[M, K] @ B[N, K]^T   (B in the [out, in] layout of HF linear weights)
 * Optional bias[N] is added to every row.
 */

import { binary } from './elementwise';

export function matmul(
  a: Float32Array, b: Float32Array, m: number, k: number, n: number, bias?: Float32Array,
): Float32Array {
  const c = new Float32Array(m * n);
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      if (av === 0) continue;
      const row = p * n;
      for (let j = 0; j < n; j++) acc[j] += av * b[row + j];
    }
    for (let j = 0; j < n; j++) c[i * n + j] = acc[j] + (bias ? bias[j] : 0);
  }
  return c;
}

export function matmulBT(
  a: Float32Array, b: Float32Array, m: number, k: number, n: number, bias?: Float32Array,
): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const ar = i * k;
    for (let j = 0; j < n; j++) {
      const br = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ar + p] * b[br + p];
      c[i * n + j] = s + (bias ? bias[j] : 0);
    }
  }
  return c;
}

/** Transpose a row-major [rows, cols] matrix. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/**
 * SwiGLU's hidden state for x [m, k] and gate / up weights [n, k] (HF [out, in]):
 * silu(x gate^T) * (x up^T), the fused kernel's reference (shaders/matvec.wgsl main_glu).
 */
export function swigluBT(x: Float32Array, gate: Float32Array, up: Float32Array, m: number, k: number, n: number): Float32Array {
  return binary('silu_mul', matmulBT(x, gate, m, k, n), matmulBT(x, up, m, k, n));
}
