// Property tests of the CPU references: the definitions every GPU kernel is checked against.
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { compareArrays, maxAbsDiff } from '../testing/compare';
import { matmul, matmulBT, swigluBT, transpose } from './matmul';
import { BINARY_OPS, UNARY_OPS, binary, affine, silu, unary, unaryScalar } from './elementwise';
import { logSumExpRows, softmaxRows } from './softmax';
import { rmsnorm } from './rmsnorm';
import { reduceRows } from './reduce';

const rng = new Rng(7);

describe('matmul reference', () => {
  it('swigluBT is silu(x gate^T) * (x up^T), element by element', () => {
    const rng = new Rng(12);
    const [m, k, n] = [3, 5, 4];
    const x = rng.uniformArray(m * k);
    const g = rng.uniformArray(n * k);
    const u = rng.uniformArray(n * k);
    const y = swigluBT(x, g, u, m, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let a = 0;
        let b = 0;
        for (let p = 0; p < k; p++) {
          a += x[i * k + p] * g[j * k + p];
          b += x[i * k + p] * u[j * k + p];
        }
        expect(y[i * n + j]).toBeCloseTo((a / (1 + Math.exp(-a))) * b, 5);
      }
    }
  });

  it('matches the textbook triple loop', () => {
    const [m, k, n] = [3, 4, 5];
    const a = rng.uniformArray(m * k);
    const b = rng.uniformArray(k * n);
    const c = matmul(a, b, m, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
        expect(c[i * n + j]).toBeCloseTo(s, 5);
      }
    }
  });

  it('A @ B equals A @ (B^T)^T through matmulBT', () => {
    const [m, k, n] = [7, 11, 6];
    const a = rng.uniformArray(m * k);
    const b = rng.uniformArray(k * n);
    expect(maxAbsDiff(matmul(a, b, m, k, n), matmulBT(a, transpose(b, k, n), m, k, n))).toBeLessThan(1e-5);
  });

  it('the identity is neutral and the bias is added to every row', () => {
    const n = 5;
    const eye = new Float32Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const a = rng.uniformArray(3 * n);
    expect(matmul(a, eye, 3, n, n)).toEqual(a);
    const bias = rng.uniformArray(n);
    const c = matmulBT(a, eye, 3, n, n, bias);
    for (let i = 0; i < 3; i++) for (let j = 0; j < n; j++) expect(c[i * n + j]).toBeCloseTo(a[i * n + j] + bias[j], 6);
  });

  it('transpose is an involution', () => {
    const a = rng.uniformArray(12);
    expect(transpose(transpose(a, 3, 4), 4, 3)).toEqual(a);
  });
});

describe('element-wise reference', () => {
  it('silu(0) = 0, silu(x) -> x for large x, silu(x) -> 0 for very negative x', () => {
    expect(silu(0)).toBe(0);
    expect(silu(30)).toBeCloseTo(30, 6);
    expect(Math.abs(silu(-30))).toBeLessThan(1e-10);
  });

  it('silu_mul is silu(a) * b and broadcasting repeats b over rows', () => {
    const a = rng.uniformArray(12);
    const b = rng.uniformArray(4);
    const y = binary('silu_mul', a, b);
    for (let i = 0; i < 12; i++) expect(y[i]).toBeCloseTo(silu(a[i]) * b[i % 4], 6);
    expect(() => binary('add', a, rng.uniformArray(5))).toThrow(RangeError);
  });

  it('every op is defined and finite on moderate inputs', () => {
    const x = rng.uniformArray(64, -5, 5);
    for (const op of UNARY_OPS) expect(unary(op, x).every(Number.isFinite)).toBe(true);
    for (const op of BINARY_OPS) expect(binary(op, x, rng.uniformArray(64, 0.5, 2)).every(Number.isFinite)).toBe(true);
    expect(unaryScalar('gelu_tanh', 0)).toBe(0);
    expect(affine(new Float32Array([1, 2]), 2, 1)).toEqual(new Float32Array([3, 5]));
  });
});

describe('softmax reference', () => {
  it('rows sum to one and are invariant to adding a constant', () => {
    const x = rng.uniformArray(4 * 9, -50, 50);
    const y = softmaxRows(x, 4, 9);
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let c = 0; c < 9; c++) s += y[r * 9 + c];
      expect(s).toBeCloseTo(1, 6);
    }
    const shifted = softmaxRows(Float32Array.from(x, (v) => v + 1000), 4, 9);
    expect(maxAbsDiff(y, shifted)).toBeLessThan(1e-4);
  });

  it('log-sum-exp is stable for large inputs', () => {
    const lse = logSumExpRows(new Float32Array([1000, 1000]), 1, 2);
    expect(lse[0]).toBeCloseTo(1000 + Math.log(2), 9);
  });
});

describe('rmsnorm reference', () => {
  it('is invariant to scaling the input (eps = 0) and has unit RMS with unit weight', () => {
    const x = rng.uniformArray(3 * 8);
    const w = new Float32Array(8).fill(1);
    const y = rmsnorm(x, w, 3, 8, 0);
    const y2 = rmsnorm(Float32Array.from(x, (v) => v * 17), w, 3, 8, 0);
    expect(maxAbsDiff(y, y2)).toBeLessThan(1e-5);
    for (let r = 0; r < 3; r++) {
      let ss = 0;
      for (let c = 0; c < 8; c++) ss += y[r * 8 + c] ** 2;
      expect(Math.sqrt(ss / 8)).toBeCloseTo(1, 5);
    }
  });
});

describe('reduce reference', () => {
  it('sum = mean * cols, max bounds every element, sumsq >= 0', () => {
    const x = rng.uniformArray(5 * 7);
    const sum = reduceRows('sum', x, 5, 7);
    const mean = reduceRows('mean', x, 5, 7);
    const mx = reduceRows('max', x, 5, 7);
    const ss = reduceRows('sumsq', x, 5, 7);
    for (let r = 0; r < 5; r++) {
      expect(sum[r]).toBeCloseTo(mean[r] * 7, 5);
      for (let c = 0; c < 7; c++) expect(x[r * 7 + c]).toBeLessThanOrEqual(mx[r]);
      expect(ss[r]).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('the comparator', () => {
  it('accepts values within atol + rtol |ref| and rejects others, NaN included', () => {
    const ref = new Float32Array([1, 100, -3]);
    expect(compareArrays(new Float32Array([1.0005, 100.05, -3]), ref, { atol: 1e-3, rtol: 1e-3 }).ok).toBe(true);
    const bad = compareArrays(new Float32Array([1, 100.2, -3]), ref, { atol: 1e-3, rtol: 1e-3 });
    expect(bad.ok).toBe(false);
    expect(bad.worstIndex).toBe(1);
    expect(compareArrays(new Float32Array([NaN, 100, -3]), ref, { atol: 1, rtol: 1 }).ok).toBe(false);
    expect(compareArrays(new Float32Array(2), ref, { atol: 1, rtol: 1 }).ok).toBe(false);
  });
});
