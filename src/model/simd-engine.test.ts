// The engine on the WebAssembly SIMD CPU backend against HF transformers' goldens (logits within
// 1e-4, the same experts), against the f64 CPU reference (per-token NLL), token-by-token decoding
// with a KV cache against the full forward, greedy generation, multi-sequence batches, and the
// kernel heap emptied when the model is disposed.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { SimdCpuBackend } from '../core/simd/simd-backend';
import { maxAbsDiff } from '../core/testing/compare';
import { generate } from './generate';
import { decodeMaxDiff } from './testing/decode';
import { FIXTURES, loadFixture } from './testing/fixtures';
import { Transformer } from './transformer';

describe('engine on the SIMD CPU backend', () => {
  for (const name of FIXTURES) {
    it(`${name}: logits vs transformers, NLL vs the reference, KV-cache decoding`, async () => {
      const fx = loadFixture(name);
      const be = await SimdCpuBackend.create();
      const model = new Transformer(be, fx.weights);
      let worst = 0;
      for (const s of fx.sequences) {
        const { logits, routing } = await model.logits(Int32Array.from(s.tokens));
        worst = Math.max(worst, maxAbsDiff(logits, Float32Array.from(s.logits.flat())));
        if (s.experts) {
          routing.forEach((r, l) => s.experts![l].forEach((want, t) => {
            expect([...r!.experts.subarray(t * r!.topK, (t + 1) * r!.topK)].sort()).toEqual([...want].sort());
          }));
        }
      }
      console.log(`${name}: SIMD engine max |logit diff| vs transformers = ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-4);

      const batch = fx.sequences.map((s) => Int32Array.from(s.tokens));
      const ref = await new Transformer(new CpuBackend(), fx.weights).nll(batch, { vocabChunk: 50 });
      const got = await model.nll(batch, { vocabChunk: 50 });
      ref.forEach((r, i) => r.forEach((v, j) => {
        if (Number.isNaN(v)) expect(Number.isNaN(got[i][j])).toBe(true);
        else expect(Math.abs(v - got[i][j])).toBeLessThanOrEqual(1e-4);
      }));
      model.dispose();
      expect(be.residentWeightBytes).toBe(0);

      const ids = batch[0];
      const full = (await new Transformer(new CpuBackend(), fx.weights).logits(ids)).logits;
      expect(await decodeMaxDiff(new Transformer(be, fx.weights, { keepLayers: true }), ids, full)).toBeLessThanOrEqual(1e-4);
      expect(be.residentWeightBytes).toBe(0);
    });
  }

  it('greedy generation gives the reference tokens', async () => {
    const fx = loadFixture('qwen2_moe');
    const prompt = Int32Array.of(1, 17, 42);
    const a = await generate(new Transformer(new CpuBackend(), fx.weights), prompt, { maxNewTokens: 6, greedy: true });
    const simd = new Transformer(await SimdCpuBackend.create(), fx.weights, { keepLayers: true });
    const b = await generate(simd, prompt, { maxNewTokens: 6, greedy: true });
    simd.dispose();
    expect(b.tokens).toEqual(a.tokens);
  });
});
