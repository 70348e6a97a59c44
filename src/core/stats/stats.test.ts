import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { MomentAccumulator } from './moments';
import { correlationFromMoments } from './correlation';
import { ckaMatrix, linearCka, linearCkaFromMoments } from './cka';
import { ckaFixtureInputs } from './fixtures';
import fixtures from './fixtures/cka-fixtures.json';

/** [T, d] activations with large per-neuron offsets (the case that breaks naive formulas). */
function activations(T: number, d: number, seed: number, offset = 1000): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(T * d);
  for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) x[t * d + i] = offset * (1 + i / d) + rng.normal() * (0.5 + (i % 3));
  return x;
}

/** Two-pass f64 covariance (the exact reference). */
function twoPassCov(x: Float32Array, y: Float32Array, T: number, p: number, q: number): Float64Array {
  const mx = new Float64Array(p);
  const my = new Float64Array(q);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < p; i++) mx[i] += x[t * p + i] / T;
    for (let j = 0; j < q; j++) my[j] += y[t * q + j] / T;
  }
  const c = new Float64Array(p * q);
  for (let t = 0; t < T; t++) for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) c[i * q + j] += ((x[t * p + i] - mx[i]) * (y[t * q + j] - my[j])) / T;
  return c;
}

function accumulate(streams: Float32Array[], dims: number[], T: number, chunk: number, pairs: [number, number][]): MomentAccumulator {
  const m = new MomentAccumulator(dims, { pairs });
  for (let t0 = 0; t0 < T; t0 += chunk) {
    const t1 = Math.min(T, t0 + chunk);
    m.add(streams.map((x, s) => x.subarray(t0 * dims[s], t1 * dims[s])), t1 - t0);
  }
  return m;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / scale;
}

function permuteColumns(x: Float32Array, T: number, d: number, perm: Int32Array): Float32Array {
  const out = new Float32Array(T * d);
  for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) out[t * d + j] = x[t * d + perm[j]];
  return out;
}

describe('moment accumulators', () => {
  const T = 777;
  const x = activations(T, 9, 1);
  const y = activations(T, 5, 2, -300);

  it('chunked equals one pass and the two-pass f64 covariance (offsets 1000x the spread)', () => {
    const ref = twoPassCov(x, y, T, 9, 5);
    const refX = twoPassCov(x, x, T, 9, 9);
    for (const chunk of [1, 7, 64, 500, T]) {
      const m = accumulate([x, y], [9, 5], T, chunk, [[0, 1]]);
      expect(m.count).toBe(T);
      expect(maxRelDiff(m.crossCovariance(0, 1), ref)).toBeLessThan(1e-12);
      expect(maxRelDiff(m.covariance(0), refX)).toBeLessThan(1e-12);
      // The reverse pair is the transpose.
      const back = m.crossCovariance(1, 0);
      expect(back[3 * 9 + 7]).toBeCloseTo(m.crossCovariance(0, 1)[7 * 5 + 3], 14);
    }
  });

  it('means and variances match the data; diagonal-only mode agrees with the full one', () => {
    const full = accumulate([x], [9], T, 100, []);
    const diag = new MomentAccumulator([9], { selfFull: false });
    diag.add([x], T);
    const cov = full.covariance(0);
    const v = diag.variance(0);
    for (let i = 0; i < 9; i++) expect(v[i]).toBeCloseTo(cov[i * 9 + i], 10);
    expect(full.mean(0)[0]).toBeCloseTo(1000, 0);
    expect(() => diag.covariance(0)).toThrow(/selfFull/);
  });

  it('rejects wrong shapes and unknown pairs with a clear error', () => {
    const m = new MomentAccumulator([3, 2], { pairs: [[0, 1]] });
    expect(() => m.add([new Float32Array(6), new Float32Array(3)], 2)).toThrow(/stream 1/);
    expect(() => m.mean(0)).toThrow(/no tokens/);
    expect(() => new MomentAccumulator([3], { pairs: [[0, 0]] })).toThrow(/pair/);
  });
});

describe('correlation from moments', () => {
  it('has a unit diagonal for a stream with itself and is symmetric', () => {
    const T = 300;
    const x = activations(T, 6, 3);
    const m = accumulate([x, x], [6, 6], T, 50, [[0, 1]]);
    const { corr } = correlationFromMoments(m, 0, 1);
    for (let i = 0; i < 6; i++) {
      expect(corr[i * 6 + i]).toBeCloseTo(1, 6);
      for (let j = 0; j < 6; j++) expect(corr[i * 6 + j]).toBeCloseTo(corr[j * 6 + i], 6);
    }
  });

  it('gives dead (zero-variance) neurons zero correlation, never NaN, and reports them', () => {
    const T = 100;
    const x = activations(T, 4, 4);
    const y = activations(T, 3, 5);
    for (let t = 0; t < T; t++) {
      x[t * 4 + 2] = 7.5; // constant neuron
      y[t * 3 + 0] = 0; // silent neuron
    }
    const m = accumulate([x, y], [4, 3], T, 30, [[0, 1]]);
    const r = correlationFromMoments(m, 0, 1);
    expect(Array.from(r.deadRows)).toEqual([2]);
    expect(Array.from(r.deadCols)).toEqual([0]);
    for (let j = 0; j < 3; j++) expect(r.corr[2 * 3 + j]).toBe(0);
    for (let i = 0; i < 4; i++) expect(r.corr[i * 3]).toBe(0);
    expect(r.corr.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
  });
});

describe('linear CKA', () => {
  const T = 400;
  const x = activations(T, 12, 6, 3);
  const y = activations(T, 7, 7, -2);

  it('CKA(X, X) = 1, symmetric, in [0, 1], moments equal the raw reference', () => {
    const m = accumulate([x, y], [12, 7], T, 33, [[0, 1]]);
    const xy = linearCkaFromMoments(m, 0, 1);
    expect(xy).toBeGreaterThanOrEqual(0);
    expect(xy).toBeLessThanOrEqual(1);
    expect(linearCkaFromMoments(m, 1, 0)).toBeCloseTo(xy, 14);
    expect(xy).toBeCloseTo(linearCka(x, y, T, 12, 7), 12);
    expect(linearCka(x, x, T, 12, 12)).toBeCloseTo(1, 12);
    const mat = ckaMatrix(m, [0, 1]);
    expect(Array.from(mat)).toEqual([1, xy, xy, 1]);
  });

  it('is invariant to permutations of the features: CKA(X, XP) = 1 and CKA(XP, Y) = CKA(X, Y)', () => {
    const perm = new Rng(8).permutation(12);
    const xp = permuteColumns(x, T, 12, perm);
    const m = accumulate([x, xp, y], [12, 12, 7], T, 100, [[0, 1], [1, 2], [0, 2]]);
    expect(linearCkaFromMoments(m, 0, 1)).toBeCloseTo(1, 12);
    expect(linearCkaFromMoments(m, 1, 2)).toBeCloseTo(linearCkaFromMoments(m, 0, 2), 12);
  });

  it('is invariant to orthogonal maps and to isotropic scaling', () => {
    // Random orthogonal Q [12, 12] by Gram-Schmidt.
    const rng = new Rng(9);
    const d = 12;
    const q = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      const v = Float64Array.from({ length: d }, () => rng.normal());
      for (let k = 0; k < i; k++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += v[j] * q[k * d + j];
        for (let j = 0; j < d; j++) v[j] -= dot * q[k * d + j];
      }
      const nrm = Math.hypot(...v);
      for (let j = 0; j < d; j++) q[i * d + j] = v[j] / nrm;
    }
    const xq = new Float64Array(T * d);
    for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[t * d + k] * q[k * d + j];
      xq[t * d + j] = 3.5 * s;
    }
    expect(linearCka(x, xq, T, d, d)).toBeCloseTo(1, 10);
    expect(linearCka(xq, y, T, d, 7)).toBeCloseTo(linearCka(x, y, T, d, 7), 10);
  });

  it('equals the independent numpy reference (Gram/HSIC form) on the committed fixtures', () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(3);
    for (const c of fixtures.cases) {
      const { x: fx, y: fy } = ckaFixtureInputs(c.T, c.p, c.q, c.seed);
      expect(Math.abs(linearCka(fx, fy, c.T, c.p, c.q) - c.cka)).toBeLessThan(1e-10);
      const m = accumulate([fx, fy], [c.p, c.q], c.T, 64, [[0, 1]]);
      expect(Math.abs(linearCkaFromMoments(m, 0, 1) - c.cka)).toBeLessThan(1e-10);
      expect(linearCka(fx, fx, c.T, c.p, c.p)).toBeCloseTo(c.ckaXX, 12);
    }
  });

  it('returns 0 for a constant representation instead of NaN', () => {
    const z = new Float32Array(T * 3).fill(2);
    expect(linearCka(x, z, T, 12, 3)).toBe(0);
  });
});
