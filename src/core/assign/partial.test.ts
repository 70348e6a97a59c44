import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { makeMatrix } from './generators';
import { solveLap } from './hybrid';
import { partialPermutation } from './partial';
import { assignmentObjective, isPermutation } from './types';

describe('partial alignment', () => {
  const n = 150;
  const c = makeMatrix('corr', n, 4);
  const sigma = solveLap(c, n).rowToCol;

  it('p = 1 is the full assignment, p = 0 the identity', () => {
    expect(Array.from(partialPermutation(c, n, sigma, 1).perm)).toEqual(Array.from(sigma));
    const id = partialPermutation(c, n, sigma, 0).perm;
    expect(Array.from(id)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  for (const rule of ['cycle', 'reassign'] as const) {
    it(`rule '${rule}': selected pairs move, untouched positions stay, result is a permutation`, () => {
      for (const p of [0.1, 0.5, 0.8, 0.95]) {
        const r = partialPermutation(c, n, sigma, p, rule);
        expect(isPermutation(r.perm, n)).toBe(true);
        expect(r.selected.length).toBe(Math.round(p * n));
        const movedNeurons = new Set<number>();
        for (const j of r.selected) {
          expect(r.perm[j]).toBe(sigma[j]);
          movedNeurons.add(sigma[j]);
        }
        const sel = new Set(r.selected);
        for (let j = 0; j < n; j++) if (!sel.has(j) && !movedNeurons.has(j)) expect(r.perm[j]).toBe(j);
        // Selected pairs are the best-scoring ones.
        const worstSelected = Math.min(...Array.from(r.selected, (j) => c[j * n + sigma[j]]));
        for (let j = 0; j < n; j++) if (!sel.has(j)) expect(c[j * n + sigma[j]]).toBeLessThanOrEqual(worstSelected);
      }
    });
  }

  it("'reassign' completes at least as well as 'cycle'", () => {
    const a = partialPermutation(c, n, sigma, 0.6, 'cycle').perm;
    const b = partialPermutation(c, n, sigma, 0.6, 'reassign').perm;
    expect(assignmentObjective(c, n, b)).toBeGreaterThanOrEqual(assignmentObjective(c, n, a) - 1e-12);
  });

  it('cycle rule on a hand-made case: one 4-cycle with two selected pairs', () => {
    // sigma: 0<-1, 1<-2, 2<-3, 3<-0 (position j receives neuron sigma[j]); scores favour 0 and 1.
    const s = Int32Array.from([1, 2, 3, 0]);
    const m = new Float32Array(16);
    m[0 * 4 + 1] = 0.9;
    m[1 * 4 + 2] = 0.8;
    m[2 * 4 + 3] = 0.1;
    m[3 * 4 + 0] = 0.2;
    const r = partialPermutation(m, 4, s, 0.5, 'cycle');
    // 0 and 1 move (neurons 1, 2); position 3 keeps neuron 3; position 2 lost neuron 2 and
    // receives neuron 0, the one displaced by the run starting at position 0.
    expect(Array.from(r.perm)).toEqual([1, 2, 0, 3]);
    expect(Array.from(r.conflicts)).toEqual([2]);
  });

  it('rejects a bad fraction or a non-permutation', () => {
    expect(() => partialPermutation(c, n, sigma, 1.5)).toThrow(/fraction/);
    expect(() => partialPermutation(c, n, new Rng(1).permutation(n - 1), 0.5)).toThrow(/permutation/);
  });
});
