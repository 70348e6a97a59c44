/**
 * Inputs of the committed CKA fixtures (fixtures/cka-fixtures.json), rebuilt from seeds exactly
 * as scripts/goldens/cka_fixtures.py builds them (f32 values, bit-identical).
 */
import { mulberryAt } from '../assign/generators';

export function ckaFixtureInputs(T: number, p: number, q: number, seed: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(T * p);
  const y = new Float32Array(T * q);
  for (let t = 0; t < T; t++) for (let c = 0; c < p; c++) x[t * p + c] = 2 * mulberryAt(seed, t * p + c) - 1 + (3 * c) / p;
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < q; c++) y[t * q + c] = 0.5 * x[t * p + (c % p)] + 0.5 * (2 * mulberryAt(seed + 1, t * q + c) - 1);
  }
  return { x, y };
}
