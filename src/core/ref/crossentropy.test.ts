// Chunked LM-head NLL (online log-sum-exp over vocabulary chunks) against the direct form.
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { lmHeadNll, nllFromLogits } from './crossentropy';
import { matmulBT } from './matmul';

describe('chunked LM head NLL', () => {
  const n = 6;
  const h = 12;
  const v = 301;
  const rng = new Rng(7);
  const x = rng.uniformArray(n * h, -2, 2);
  const w = rng.uniformArray(v * h, -2, 2);
  const targets = Int32Array.of(0, 300, 17, -1, 150, 299);
  const direct = nllFromLogits(matmulBT(x, w, n, h, v), n, v, targets);

  it.each([1, 7, 64, 300, 301, 5000])('chunk %i equals the direct computation', (chunk) => {
    const got = lmHeadNll(x, w, n, h, v, targets, chunk);
    for (let r = 0; r < n; r++) {
      if (targets[r] < 0) expect(got[r]).toBeNaN();
      else expect(Math.abs(got[r] - direct[r])).toBeLessThan(1e-5);
    }
  });

  it('is stable for huge logits and non-negative', () => {
    const big = x.map((a) => a * 1000);
    const got = lmHeadNll(big, w, n, h, v, targets, 16);
    for (let r = 0; r < n; r++) if (targets[r] >= 0) expect(got[r]).toBeGreaterThanOrEqual(0);
    expect([...got].filter((_, r) => targets[r] >= 0).every(Number.isFinite)).toBe(true);
  });

  it('uniform logits give ln(V)', () => {
    const got = lmHeadNll(new Float32Array(h), w, 1, h, v, Int32Array.of(3), 50);
    expect(got[0]).toBeCloseTo(Math.log(v), 10);
  });
});
