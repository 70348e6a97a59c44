// The in-memory synthetic sources (src/model/testing/synthetic.ts): the real models' shapes with
// the layer count and vocabulary cut down, deterministic values, the shared-base relation.
import { describe, expect, it } from 'vitest';
import { MissingTensorError } from '../weights';
import { SyntheticWeights } from './synthetic';

describe('SyntheticWeights', () => {
  it('has the Qwen2.5-0.5B layer shapes with a small vocabulary and a few layers', async () => {
    const w = new SyntheticWeights('0.5b', { seed: 0, baseSeed: null, vocab: 64, layers: 2 });
    expect(w.config).toMatchObject({ hiddenSize: 896, intermediateSize: 4864, numHeads: 14, numKvHeads: 2, headDim: 64, numLayers: 2, vocabSize: 64 });
    const shape = async (n: string): Promise<number[]> => (await w.getTensor(n)).shape;
    expect(await shape('model.embed_tokens.weight')).toEqual([64, 896]);
    expect(await shape('model.layers.1.self_attn.k_proj.weight')).toEqual([128, 896]);
    expect(await shape('model.layers.1.self_attn.q_proj.bias')).toEqual([896]);
    expect(await shape('model.layers.1.mlp.down_proj.weight')).toEqual([896, 4864]);
    await expect(w.getTensor('model.layers.2.mlp.up_proj.weight')).rejects.toBeInstanceOf(MissingTensorError);
    const norm = (await w.getTensor('model.layers.0.input_layernorm.weight')).data;
    expect(Math.min(...norm)).toBeGreaterThanOrEqual(0.95);
    expect(Math.max(...norm)).toBeLessThanOrEqual(1.05);
  });

  it('is deterministic per name and source, and sources on one base differ by about 10%', async () => {
    const name = 'model.layers.0.self_attn.o_proj.weight';
    const a = (await new SyntheticWeights('0.5b', { seed: 1, baseSeed: 5, vocab: 64, layers: 1 }).getTensor(name)).data;
    const again = (await new SyntheticWeights('0.5b', { seed: 1, baseSeed: 5, vocab: 64, layers: 1 }).getTensor(name)).data;
    const b = (await new SyntheticWeights('0.5b', { seed: 2, baseSeed: 5, vocab: 64, layers: 1 }).getTensor(name)).data;
    const alone = (await new SyntheticWeights('0.5b', { seed: 2, baseSeed: null, vocab: 64, layers: 1 }).getTensor(name)).data;
    expect(again).toEqual(a);
    const rms = (x: Float32Array, y?: Float32Array): number => Math.sqrt(x.reduce((s, v, i) => s + (v - (y ? y[i] : 0)) ** 2, 0) / x.length);
    expect(rms(a)).toBeCloseTo(0.02, 3);
    // Two fine-tunes of one base: their difference is 0.1 * sqrt(2) of the scale.
    expect(rms(a, b) / rms(a)).toBeGreaterThan(0.12);
    expect(rms(a, b) / rms(a)).toBeLessThan(0.16);
    expect(rms(a, alone) / rms(a)).toBeGreaterThan(1.3);
  });

  it('rejects a layer count the shape does not have', () => {
    expect(() => new SyntheticWeights('1.5b', { seed: 0, baseSeed: null, vocab: 64, layers: 29 })).toThrow(/1 to 28/);
  });
});
