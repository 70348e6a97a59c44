import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { MomentAccumulator } from './moments';
import { addOuterProducts } from './outer';

/** The rank-1 form the blocked product replaces: one sweep of X per token (zero entries skipped). */
function rankOneUpdates(X: Float64Array, a: Float64Array, da: number, b: Float64Array, db: number, T: number): void {
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < da; i++) {
      const zi = a[t * da + i];
      if (zi === 0) continue;
      for (let j = 0; j < db; j++) X[i * db + j] += zi * b[t * db + j];
    }
  }
}

function randomRows(rng: Rng, T: number, d: number, zeros: number): Float64Array {
  return Float64Array.from({ length: T * d }, () => (rng.next() < zeros ? 0 : (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 6 - 3)));
}

describe('addOuterProducts', () => {
  it('is bit-identical to token-by-token rank-1 updates, over several calls, for odd sizes', () => {
    const rng = new Rng(7);
    for (const [da, db, T] of [[1, 1, 1], [5, 3, 7], [70, 133, 19], [131, 67, 1], [64, 64, 40]]) {
      const ref = new Float64Array(da * db);
      const got = new Float64Array(da * db);
      for (let call = 0; call < 3; call++) {
        const a = randomRows(rng, T, da, 0.1);
        const b = randomRows(rng, T, db, 0.1);
        rankOneUpdates(ref, a, da, b, db, T);
        addOuterProducts(got, a, da, b, db, T);
      }
      expect(got).toEqual(ref);
      expect(got.some((v) => v !== 0)).toBe(true);
    }
  });

  it('handles a === b (the self second moment)', () => {
    const rng = new Rng(8);
    const d = 37;
    const T = 11;
    const a = randomRows(rng, T, d, 0);
    const ref = new Float64Array(d * d);
    const got = new Float64Array(d * d);
    rankOneUpdates(ref, a, d, a, d, T);
    addOuterProducts(got, a, d, a, d, T);
    expect(got).toEqual(ref);
  });

  it('leaves MomentAccumulator cross and self moments equal to the rank-1 sums', () => {
    const rng = new Rng(9);
    const d = [29, 41];
    const T = 23;
    const x = d.map((n) => Float32Array.from({ length: T * n }, () => rng.next() * 2 - 1 + 3));
    const m = new MomentAccumulator(d, { pairs: [[0, 1]], selfFull: true });
    m.add(x.slice(0, 1).map((v) => v.subarray(0, 5 * d[0])).concat([x[1].subarray(0, 5 * d[1])]), 5);
    m.add([x[0].subarray(5 * d[0]), x[1].subarray(5 * d[1])], T - 5);
    const z = x.map((v, s) => Float64Array.from(v, (e, k) => e - m.shift[s][k % d[s]]));
    const cross = new Float64Array(d[0] * d[1]);
    rankOneUpdates(cross, z[0].subarray(0, 5 * d[0]), d[0], z[1].subarray(0, 5 * d[1]), d[1], 5);
    rankOneUpdates(cross, z[0].subarray(5 * d[0]), d[0], z[1].subarray(5 * d[1]), d[1], T - 5);
    expect(m.cross.get('0,1')).toEqual(cross);
    const self = new Float64Array(d[1] * d[1]);
    rankOneUpdates(self, z[1].subarray(0, 5 * d[1]), d[1], z[1].subarray(0, 5 * d[1]), d[1], 5);
    rankOneUpdates(self, z[1].subarray(5 * d[1]), d[1], z[1].subarray(5 * d[1]), d[1], T - 5);
    expect(m.sumSq[1]).toEqual(self);
  });
});
