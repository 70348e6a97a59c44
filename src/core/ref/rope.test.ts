// RoPE: rotation properties and the llama3 frequency bands.
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { applyRope, ropeTable } from './rope';

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);

describe('rope', () => {
  const hd = 16;
  const table = ropeTable(hd, 10000);

  it('position 0 is the identity and norms are preserved', () => {
    const x = new Rng(1).uniformArray(3 * hd);
    expect(applyRope(x, 3, 1, hd, new Int32Array(3), table)).toEqual(x);
    const y = applyRope(x, 3, 1, hd, Int32Array.of(5, 100, 9999), table);
    for (let r = 0; r < 3; r++) {
      const a = x.subarray(r * hd, (r + 1) * hd);
      const b = y.subarray(r * hd, (r + 1) * hd);
      expect(Math.sqrt(dot(b, b))).toBeCloseTo(Math.sqrt(dot(a, a)), 5);
    }
  });

  it('q.k scores depend only on the relative position', () => {
    for (const t of [table, ropeTable(hd, 500000, { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 })]) {
      const rng = new Rng(2);
      const q = rng.uniformArray(hd);
      const k = rng.uniformArray(hd);
      const score = (pq: number, pk: number): number =>
        dot(applyRope(q, 1, 1, hd, Int32Array.of(pq), t), applyRope(k, 1, 1, hd, Int32Array.of(pk), t));
      const ref = score(7, 3);
      for (const s of [0, 1, 13, 250]) expect(score(7 + s, 3 + s)).toBeCloseTo(ref, 4);
      expect(Math.abs(score(8, 3) - ref)).toBeGreaterThan(1e-4);
    }
  });

  it('applies per head with HF rotate_half pairing (i, i + d/2)', () => {
    const x = new Float32Array(2 * hd);
    x[0] = 1; // head 0, first half
    x[hd + 3] = 1; // head 1
    const y = applyRope(x, 1, 2, hd, Int32Array.of(1), table);
    expect(y[0]).toBeCloseTo(Math.cos(1), 6);
    expect(y[hd / 2]).toBeCloseTo(Math.sin(1), 6);
    const w3 = table.invFreq[3];
    expect(y[hd + 3]).toBeCloseTo(Math.cos(w3), 6);
    expect(y[hd + 3 + hd / 2]).toBeCloseTo(Math.sin(w3), 6);
  });

  it('llama3 scaling keeps high frequencies, slows low ones by factor and smooths the band between', () => {
    const base = ropeTable(hd, 10000);
    const s = ropeTable(hd, 10000, { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 });
    // Wavelengths 2 pi / w: 6.3 (< 16: kept), 19.9 and 62.8 (in [16, 64]: smoothed), >= 199 (scaled).
    expect(s.invFreq[0]).toBe(base.invFreq[0]);
    for (const i of [1, 2]) {
      expect(s.invFreq[i]).toBeLessThan(base.invFreq[i]);
      expect(s.invFreq[i]).toBeGreaterThan(base.invFreq[i] / 8);
    }
    for (let i = 3; i < hd / 2; i++) expect(s.invFreq[i]).toBeCloseTo(base.invFreq[i] / 8, 12);
    const lin = ropeTable(hd, 10000, { type: 'linear', factor: 4 });
    expect(lin.invFreq[5]).toBeCloseTo(base.invFreq[5] / 4, 12);
  });
});
