// The CPU engine against HF transformers on every golden fixture: logits within 1e-4, and for
// MoE fixtures the same top-k experts for every token and layer.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { maxAbsDiff } from '../core/testing/compare';
import { FIXTURES, loadFixture } from './testing/fixtures';
import { Transformer } from './transformer';

describe('CPU engine matches transformers', () => {
  for (const name of FIXTURES) {
    it(`${name}: logits max |diff| <= 1e-4`, async () => {
      const fx = loadFixture(name);
      const model = new Transformer(new CpuBackend(), fx.weights);
      let worst = 0;
      for (const s of fx.sequences) {
        const { logits, routing } = await model.logits(Int32Array.from(s.tokens));
        const ref = Float32Array.from(s.logits.flat());
        expect(logits.length).toBe(ref.length);
        worst = Math.max(worst, maxAbsDiff(logits, ref));
        if (s.experts) {
          routing.forEach((r, l) => {
            expect(r).not.toBeNull();
            const k = r!.topK;
            // transformers' topk order for equal values is unspecified; compare as sets.
            s.experts![l].forEach((want, t) => {
              const got = [...r!.experts.subarray(t * k, t * k + k)].sort();
              expect(got).toEqual([...want].sort());
            });
          });
        }
      }
      console.log(`${name}: max |logit diff| vs transformers = ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-4);
    });
  }
});
