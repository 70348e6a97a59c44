import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('seeded RNG', () => {
  it('reproduces a sequence from its seed and differs across seeds', () => {
    const a = new Rng(42).uniformArray(8);
    expect(new Rng(42).uniformArray(8)).toEqual(a);
    expect(new Rng(43).uniformArray(8)).not.toEqual(a);
  });
  it('uniforms stay in range and normals have about unit variance', () => {
    const r = new Rng(1);
    const u = r.uniformArray(10000, -2, 3);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    const n = r.normalArray(20000);
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const v = n.reduce((s, x) => s + (x - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
  });
  it('permutation is a permutation', () => {
    const p = new Rng(5).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
  });
});
