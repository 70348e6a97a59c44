/**
 * CPU reference for element-wise ops. Binary ops broadcast `b` over rows when it is shorter
 * (b.length must divide a.length), which covers bias adds and per-channel scales.
 */

export const UNARY_OPS = ['silu', 'gelu_tanh', 'relu', 'exp', 'neg', 'sigmoid'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'silu_mul'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function silu(x: number): number {
  return x * sigmoid(x);
}

export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

export function unaryScalar(op: UnaryOp, x: number): number {
  switch (op) {
    case 'silu': return silu(x);
    case 'gelu_tanh': return geluTanh(x);
    case 'relu': return x > 0 ? x : 0;
    case 'exp': return Math.exp(x);
    case 'neg': return -x;
    case 'sigmoid': return sigmoid(x);
  }
}

/** silu_mul is SwiGLU's core: silu(a) * b. */
export function binaryScalar(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'silu_mul': return silu(a) * b;
  }
}

export function unary(op: UnaryOp, x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = unaryScalar(op, x[i]);
  return y;
}

export function binary(op: BinaryOp, a: Float32Array, b: Float32Array): Float32Array {
  if (b.length === 0 || a.length % b.length !== 0) {
    throw new RangeError(`binary ${op}: b.length ${b.length} must divide a.length ${a.length}`);
  }
  const y = new Float32Array(a.length);
  const nb = b.length;
  for (let i = 0; i < a.length; i++) y[i] = binaryScalar(op, a[i], b[i % nb]);
  return y;
}

/** y = alpha * x + beta. */
export function affine(x: Float32Array, alpha: number, beta: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = alpha * x[i] + beta;
  return y;
}
