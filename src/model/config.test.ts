// HF config.json parsing: classic (Hub) and transformers 5 field layouts, defaults, errors.
import { describe, expect, it } from 'vitest';
import { ModelConfigError, parseModelConfig } from './config';
import { loadFixture } from './testing/fixtures';

// Field values of Qwen2.5-0.5B's and Llama-3.2-1B's published config.json files.
const QWEN25_05B = {
  model_type: 'qwen2', hidden_act: 'silu', hidden_size: 896, intermediate_size: 4864, num_attention_heads: 14,
  num_hidden_layers: 24, num_key_value_heads: 2, rms_norm_eps: 1e-6, rope_theta: 1000000.0, sliding_window: 32768,
  use_sliding_window: false, tie_word_embeddings: true, vocab_size: 151936, max_position_embeddings: 32768,
};
const LLAMA32_1B = {
  model_type: 'llama', hidden_act: 'silu', hidden_size: 2048, intermediate_size: 8192, num_attention_heads: 32,
  num_hidden_layers: 16, num_key_value_heads: 8, head_dim: 64, rms_norm_eps: 1e-5, rope_theta: 500000.0,
  rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  tie_word_embeddings: true, vocab_size: 128256, attention_bias: false, max_position_embeddings: 131072,
};

describe('parseModelConfig', () => {
  it('reads Qwen2.5-0.5B (bias, tied, GQA 14/2, no sliding window)', () => {
    const c = parseModelConfig(QWEN25_05B);
    expect(c).toMatchObject({ headDim: 64, numKvHeads: 2, attentionBias: true, tieWordEmbeddings: true, slidingWindow: null, ropeTheta: 1e6, moe: null });
    expect(c.ropeScaling).toEqual({ type: 'default' });
  });

  it('reads Llama-3.2-1B rope_scaling (llama3)', () => {
    const c = parseModelConfig(LLAMA32_1B);
    expect(c.ropeScaling).toEqual({ type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 });
    expect(c.attentionBias).toBe(false);
    expect(c.ropeTheta).toBe(500000);
  });

  it('reads transformers 5 rope_parameters and MoE fields (fixtures)', () => {
    expect(loadFixture('llama').config.ropeScaling).toMatchObject({ type: 'llama3', factor: 8, originalMaxPositions: 64 });
    expect(loadFixture('mistral').config.slidingWindow).toBe(5);
    const q = loadFixture('qwen2_moe').config;
    expect(q.moe).toEqual({ numExperts: 4, topK: 2, normTopkProb: false, expertIntermediateSize: 32, sharedExpertIntermediateSize: 48, sparseLayers: [true, true] });
    expect(q.tieWordEmbeddings).toBe(true);
    const m = loadFixture('mixtral').config;
    expect(m.moe).toMatchObject({ numExperts: 4, normTopkProb: true, sharedExpertIntermediateSize: 0 });
  });

  it('honours decoder_sparse_step and mlp_only_layers', () => {
    const raw = { ...loadFixture('qwen2_moe').rawConfig, num_hidden_layers: 4, decoder_sparse_step: 2, mlp_only_layers: [3] };
    expect(parseModelConfig(raw).moe!.sparseLayers).toEqual([false, true, false, false]);
  });

  it('rejects unsupported models with an actionable error', () => {
    expect(() => parseModelConfig({ ...QWEN25_05B, model_type: 'gpt2' })).toThrow(ModelConfigError);
    expect(() => parseModelConfig({ ...QWEN25_05B, hidden_act: 'gelu' })).toThrow(/SwiGLU/);
    expect(() => parseModelConfig({ ...LLAMA32_1B, rope_scaling: { rope_type: 'yarn', factor: 4 } })).toThrow(/yarn/);
    expect(() => parseModelConfig({ ...QWEN25_05B, hidden_size: undefined })).toThrow(/hidden_size/);
  });
});
