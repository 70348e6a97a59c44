import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { bruteForceLap } from './brute';
import { certify } from './certificate';
import { solveDenseLap } from './dense';
import { makeMatrix, mulberryAt, permutationChecksum, seededPermutation } from './generators';
import { solveLap } from './hybrid';
import { assignmentObjective, isPermutation } from './types';
import goldens from './fixtures/lap-goldens.json';

function randomMatrix(n: number, seed: number, ints = false): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * n }, () => (ints ? rng.int(4) : rng.uniform(-1, 1)));
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('generators', () => {
  it('counter-mode mulberry32 equals the sequential Rng, and the permutation equals Rng.permutation', () => {
    const rng = new Rng(1234);
    for (let k = 0; k < 100; k++) expect(mulberryAt(1234, k)).toBe(rng.next());
    expect(Array.from(seededPermutation(50, 77))).toEqual(Array.from(new Rng(77).permutation(50)));
    // Large stream indices stay exact (no precision loss above 2^53 / golden).
    expect(mulberryAt(5, 80_000_000)).toBeGreaterThanOrEqual(0);
  });
});

describe('exactness against brute force (n <= 8)', () => {
  it('dense and hybrid equal the brute-force optimum on 200 random matrices, ties included', () => {
    for (let s = 0; s < 200; s++) {
      const n = 1 + (s % 8);
      const c = randomMatrix(n, s, s % 3 === 0);
      const bf = bruteForceLap(c, n);
      const d = solveDenseLap(c, n);
      expect(isPermutation(d.rowToCol, n)).toBe(true);
      expect(relErr(d.objective, bf.objective)).toBeLessThan(1e-12);
      // k = 2 forces the hybrid to grow its candidate graph through the certificate.
      const h = solveLap(c, n, { method: 'hybrid', k: 2 });
      expect(h.certificate.ok).toBe(true);
      expect(relErr(h.objective, bf.objective) < 1e-12 || Math.abs(h.objective - bf.objective) < 1e-12).toBe(true);
      const dmin = solveDenseLap(c, n, { maximize: false });
      expect(Math.abs(dmin.objective - bruteForceLap(c, n, false).objective)).toBeLessThan(1e-9);
    }
  });
});

describe('invariances', () => {
  it('adding a constant to a row (or a column) does not change the assignment', () => {
    const n = 200;
    const c = makeMatrix('noise', n, 3);
    const base = solveLap(c, n, { method: 'hybrid' });
    const shifted = c.slice();
    for (let j = 0; j < n; j++) shifted[17 * n + j] += 0.25;
    for (let i = 0; i < n; i++) shifted[i * n + 5] -= 0.5;
    for (const method of ['hybrid', 'dense'] as const) {
      const r = solveLap(shifted, n, { method });
      expect(Array.from(r.rowToCol)).toEqual(Array.from(base.rowToCol));
    }
  });
});

describe('scipy goldens (uniform, correlation-structured, noise; n = 64, 512, 2048)', () => {
  for (const g of goldens.cases) {
    it(`${g.kind} n=${g.n} seed=${g.seed}: hybrid and dense reach scipy's optimum within 1e-9`, () => {
      const c = makeMatrix(g.kind as 'uniform' | 'noise' | 'corr', g.n, g.seed);
      const h = solveLap(c, g.n, { method: 'hybrid' });
      expect(h.certificate.ok).toBe(true);
      expect(relErr(h.objective, g.objective)).toBeLessThan(1e-9);
      expect(permutationChecksum(h.rowToCol)).toBe(g.checksum);
      if (g.n <= 512 || g.seed === 1) {
        const d = solveDenseLap(c, g.n);
        expect(relErr(d.objective, g.objective)).toBeLessThan(1e-9);
      }
    });
  }
});

describe('certificate', () => {
  const n = 120;
  const c = makeMatrix('corr', n, 9);
  const opt = solveLap(c, n, { method: 'hybrid' });

  it('accepts the optimum with a tiny gap and a tight dual bound', () => {
    const cert = certify(c, n, opt.rowToCol, opt.prices, 1e-11);
    expect(cert.ok).toBe(true);
    expect(cert.gap).toBeLessThanOrEqual(n * 1e-11);
    expect(Math.abs(cert.dualBound - cert.primal)).toBeLessThan(1e-9);
    expect(cert.primal).toBeCloseTo(assignmentObjective(c, n, opt.rowToCol), 12);
  });

  it('rejects a non-optimal assignment (two rows swapped) and names a violating row', () => {
    const bad = opt.rowToCol.slice();
    [bad[3], bad[4]] = [bad[4], bad[3]];
    const cert = certify(c, n, bad, opt.prices, 1e-11);
    expect(cert.ok).toBe(false);
    expect(Array.from(cert.rejected).some((r) => r === 3 || r === 4)).toBe(true);
    // The bound still holds: dual >= every assignment.
    expect(cert.dualBound).toBeGreaterThanOrEqual(opt.objective - 1e-9);
  });

  it('with settled rows and near columns (a device filter\'s verdict) gives the full pass\'s totals', () => {
    // An exact filter in f64: settled rows have every other column strictly below the matched one;
    // the near columns of the others are those within 1e-9 of it.
    const filter = (perm: Int32Array) => {
      const rows: number[] = [];
      const cols: number[] = [];
      const count: number[] = [];
      for (let i = 0; i < n; i++) {
        const own = c[i * n + perm[i]] - opt.prices[perm[i]];
        const near: number[] = [];
        for (let j = 0; j < n; j++) if (j !== perm[i] && c[i * n + j] - opt.prices[j] >= own - 1e-9) near.push(j);
        if (near.length === 0) continue;
        rows.push(i);
        count.push(near.length);
        for (let t = 0; t < 4; t++) cols.push(near[t] ?? 0);
      }
      return { rows: Int32Array.from(rows), near: { k: 4, cols: Int32Array.from(cols), count: Int32Array.from(count) } };
    };
    const full = certify(c, n, opt.rowToCol, opt.prices, 1e-11);
    const f = filter(opt.rowToCol);
    expect(f.rows.length).toBeGreaterThan(0);
    const part = certify(c, n, opt.rowToCol, opt.prices, 1e-11, { ...f, settled: true });
    expect(part.ok).toBe(true);
    expect(part.checkedRows).toEqual(f.rows);
    expect(part.primal).toBeCloseTo(full.primal, 12);
    expect(part.dualBound).toBeCloseTo(full.dualBound, 12);
    const bad = opt.rowToCol.slice();
    [bad[3], bad[4]] = [bad[4], bad[3]];
    const rej = certify(c, n, bad, opt.prices, 1e-11, { ...filter(bad), settled: true });
    expect(rej.ok).toBe(false);
    expect(Array.from(rej.rejected)).toEqual(Array.from(certify(c, n, bad, opt.prices, 1e-11).rejected));
  });

  it('rejects wrong prices even for the optimal assignment', () => {
    const p = opt.prices.slice();
    p[opt.rowToCol[0]] += 0.3;
    expect(certify(c, n, opt.rowToCol, p, 1e-11).ok).toBe(false);
    expect(() => certify(c, n, new Int32Array(n), opt.prices, 1e-11)).toThrow(/permutation/);
  });
});

describe('hybrid solver', () => {
  it('handles constant, tiny and degenerate matrices', () => {
    for (const n of [1, 2, 60]) {
      const flat = new Float32Array(n * n).fill(0.5);
      const r = solveLap(flat, n, { method: 'hybrid' });
      expect(r.certificate.ok).toBe(true);
      expect(r.objective).toBeCloseTo(0.5 * n, 12);
    }
    expect(() => solveLap(new Float32Array([NaN, 1, 1, 1]), 2, { method: 'hybrid' })).toThrow(/NaN/);
    expect(() => solveLap(new Float32Array(5), 2)).toThrow(/entries/);
  });

  it('recovers a hidden permutation planted in a noisy matrix', () => {
    const n = 700;
    const pi = seededPermutation(n, 21);
    const rng = new Rng(22);
    const c = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j] = 0.2 * rng.normal() + (j === pi[i] ? 1.5 : 0);
    const r = solveLap(c, n);
    expect(Array.from(r.rowToCol)).toEqual(Array.from(pi));
    expect(r.stats.method).toBe('hybrid');
  });

  it('stops on an aborted signal', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => solveLap(makeMatrix('uniform', 100, 1), 100, { signal: ac.signal })).toThrow(/cancelled/);
  });
});
