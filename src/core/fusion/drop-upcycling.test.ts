import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { dropIndices, dropUpcycle } from './drop-upcycling';

describe('Drop-Upcycling', () => {
  const H = 8;
  const I = 20;
  const rng = new Rng(3);
  const w = { gate: rng.normalArray(I * H), up: rng.normalArray(I * H), down: rng.normalArray(H * I), hidden: H, inter: I };

  it('re-initialises exactly round(r * I) neurons and leaves the others untouched', () => {
    const d = dropUpcycle(w, 0.25, 9);
    const idx = new Set(dropIndices(I, 0.25, 9));
    expect(idx.size).toBe(5);
    for (let j = 0; j < I; j++) {
      const changed = d.gate[j * H] !== w.gate[j * H] && d.down[j] !== w.down[j];
      expect(changed).toBe(idx.has(j));
    }
  });

  it('is reproducible from the seed and differs across seeds', () => {
    expect(dropUpcycle(w, 0.5, 1).gate).toEqual(dropUpcycle(w, 0.5, 1).gate);
    expect(dropIndices(I, 0.5, 1)).not.toEqual(dropIndices(I, 0.5, 2));
  });

  it('r = 0 is the identity and r outside [0, 1] is rejected', () => {
    expect(dropUpcycle(w, 0, 4).up).toEqual(w.up);
    expect(() => dropIndices(I, 1.5, 1)).toThrow(/\[0, 1\]/);
  });
});
