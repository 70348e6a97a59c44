// Perplexity definition, generation with a KV cache, and sampling.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { nllFromLogits } from '../core/ref/crossentropy';
import { Rng } from '../core/rng';
import { evalWindows, perplexity } from './eval';
import { argmax, generate, sampleToken } from './generate';
import { loadFixture } from './testing/fixtures';
import { Transformer } from './transformer';

const be = new CpuBackend();
const stream = Int32Array.from({ length: 45 }, (_, i) => (i * 37 + 11) % 128);

describe('perplexity', () => {
  it('cuts non-overlapping windows and keeps a final partial window of >= 2 tokens', () => {
    expect(evalWindows(stream, 10).map((w) => w.length)).toEqual([10, 10, 10, 10, 5]);
    expect(evalWindows(stream.subarray(0, 41), 10).map((w) => w.length)).toEqual([10, 10, 10, 10]);
    expect(evalWindows(stream, 10, 2)).toHaveLength(2);
    expect(() => evalWindows(stream, 1)).toThrow();
  });

  it('is the token-weighted mean NLL over windows, independent of batching and vocab chunking', async () => {
    const fx = loadFixture('qwen2');
    const model = new Transformer(be, fx.weights);
    let sum = 0;
    let count = 0;
    for (const w of evalWindows(stream, 10)) {
      const { logits } = await model.logits(w);
      const targets = Int32Array.from({ length: w.length }, (_, i) => (i + 1 < w.length ? w[i + 1] : -1));
      const nll = nllFromLogits(logits, w.length, 128, targets);
      for (let i = 0; i + 1 < w.length; i++) {
        sum += nll[i];
        count++;
      }
    }
    const [a] = await perplexity(model, [{ name: 'code', tokens: stream }], { windowLength: 10, windowsPerBatch: 1 });
    const [b] = await perplexity(model, [{ name: 'code', tokens: stream }], { windowLength: 10, windowsPerBatch: 8, vocabChunk: 7 });
    expect(a.tokens).toBe(40);
    expect(count).toBe(40);
    expect(a.meanNll).toBeCloseTo(sum / count, 5);
    expect(b.meanNll).toBeCloseTo(a.meanNll, 9);
    expect(a.perplexity).toBeCloseTo(Math.exp(a.meanNll), 9);
    // A random model is near uniform over 128 tokens.
    expect(a.perplexity).toBeGreaterThan(20);
  });
});

describe('generation', () => {
  it('greedy decoding with the KV cache equals arg max of full forward passes', async () => {
    for (const name of ['llama', 'mixtral'] as const) {
      const fx = loadFixture(name);
      const model = new Transformer(be, fx.weights, { keepLayers: true });
      const prompt = Int32Array.of(1, 17, 42, 99);
      const { tokens, stopped } = await generate(model, prompt, { maxNewTokens: 6, greedy: true });
      expect(stopped).toBe('max_tokens');
      let ctx = [...prompt];
      for (const t of tokens) {
        const { logits } = await model.logits(Int32Array.from(ctx));
        expect(argmax(logits.subarray((ctx.length - 1) * 128))).toBe(t);
        ctx = [...ctx, t];
      }
      model.dispose();
    }
  });

  it('seeded sampling is reproducible; top-k 1 and tiny top-p are greedy; stop tokens stop', async () => {
    const model = new Transformer(be, loadFixture('qwen2').weights, { keepLayers: true });
    const prompt = Int32Array.of(3, 9);
    const s = { maxNewTokens: 8, temperature: 1.5, topK: 50, topP: 0.95 };
    const a = await generate(model, prompt, { ...s, seed: 1 });
    const b = await generate(model, prompt, { ...s, seed: 1 });
    expect(a.tokens).toEqual(b.tokens);
    const greedy = await generate(model, prompt, { maxNewTokens: 5, greedy: true });
    expect((await generate(model, prompt, { maxNewTokens: 5, temperature: 1, topK: 1, seed: 3 })).tokens).toEqual(greedy.tokens);
    expect((await generate(model, prompt, { maxNewTokens: 5, temperature: 1, topP: 1e-9, seed: 4 })).tokens).toEqual(greedy.tokens);
    const stop = await generate(model, prompt, { maxNewTokens: 5, greedy: true, stopTokens: [greedy.tokens[1]] });
    expect(stop).toEqual({ tokens: greedy.tokens.slice(0, 2), stopped: 'stop_token' });
  });

  it('sampleToken follows the tempered distribution', () => {
    const logits = Float32Array.of(0, Math.log(3), -50);
    const rng = new Rng(9);
    const counts = [0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[sampleToken(logits, { temperature: 1 }, rng)]++;
    expect(counts[1] / 4000).toBeGreaterThan(0.72);
    expect(counts[1] / 4000).toBeLessThan(0.78);
    expect(counts[2]).toBe(0);
  });
});
