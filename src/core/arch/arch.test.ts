// HF config parsing, architecture specs with per-axis spaces, and the mergeability diff.
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { ConfigError, parseHfConfig, ropeInverseFrequencies, UnsupportedArchitectureError, type ArchConfig } from './config';
import { buildArchSpec, ffnHiddenAxes, ffnSpace, tensorsInSpace, checkTensorsAgainstSpec } from './spec';
import { checkMergeability, type MergeSource } from './mergeability';

const QWEN25_05B = {
  architectures: ['Qwen2ForCausalLM'],
  bos_token_id: 151643,
  eos_token_id: 151643,
  hidden_act: 'silu',
  hidden_size: 896,
  intermediate_size: 4864,
  max_position_embeddings: 32768,
  max_window_layers: 24,
  model_type: 'qwen2',
  num_attention_heads: 14,
  num_hidden_layers: 24,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  use_sliding_window: false,
  vocab_size: 151936,
};

const LLAMA32_1B = {
  architectures: ['LlamaForCausalLM'],
  attention_bias: false,
  bos_token_id: 128000,
  eos_token_id: 128001,
  head_dim: 64,
  hidden_act: 'silu',
  hidden_size: 2048,
  intermediate_size: 8192,
  max_position_embeddings: 131072,
  mlp_bias: false,
  model_type: 'llama',
  num_attention_heads: 32,
  num_hidden_layers: 16,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
  rope_theta: 500000.0,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
  vocab_size: 128256,
};

const LLAMA2_7B = { model_type: 'llama', hidden_size: 4096, intermediate_size: 11008, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 32, vocab_size: 32000, rms_norm_eps: 1e-5, rope_scaling: null, max_position_embeddings: 4096 };
const MISTRAL_7B = { model_type: 'mistral', hidden_size: 4096, intermediate_size: 14336, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, vocab_size: 32000, rope_theta: 10000.0, sliding_window: 4096 };

const tiny = (over: Record<string, unknown> = {}): ArchConfig =>
  parseHfConfig({ model_type: 'qwen2', hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 32, tie_word_embeddings: true, rope_theta: 1e6, ...over });
const shapesOf = (c: ArchConfig) => new Map(buildArchSpec(c).tensors.map((t) => [t.name, { shape: t.shape }]));
const src = (label: string, c: ArchConfig): MergeSource => ({ label, config: c, tensors: shapesOf(c) });

describe('config parsing', () => {
  it('reads Qwen2.5-0.5B', () => {
    const c = parseHfConfig(JSON.stringify(QWEN25_05B));
    expect(c).toMatchObject({ family: 'qwen2', hiddenSize: 896, numHeads: 14, numKvHeads: 2, headDim: 64, qkvBias: true, oBias: false, tieWordEmbeddings: true, ropeTheta: 1e6, slidingWindow: null, moe: null });
    expect(c.ropeScaling).toEqual({ type: 'none' });
  });
  it('reads Llama 3.2 with llama3 rope scaling', () => {
    const c = parseHfConfig(LLAMA32_1B);
    expect(c).toMatchObject({ family: 'llama', headDim: 64, qkvBias: false, rmsNormEps: 1e-5, ropeTheta: 500000 });
    expect(c.ropeScaling).toEqual({ type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
  });
  it('reads Llama 2 and Mistral defaults', () => {
    const l2 = parseHfConfig(LLAMA2_7B);
    expect(l2).toMatchObject({ ropeTheta: 10000, headDim: 128, tieWordEmbeddings: false, ropeScaling: { type: 'none' } });
    const m = parseHfConfig(MISTRAL_7B);
    expect(m).toMatchObject({ family: 'mistral', slidingWindow: 4096, rmsNormEps: 1e-5, numKvHeads: 8 });
  });
  it('reads transformers 5 rope_parameters', () => {
    const { rope_scaling: _s, rope_theta: _t, ...rest } = LLAMA32_1B;
    const c = parseHfConfig({ ...rest, rope_parameters: { ..._s, rope_theta: 500000 } });
    expect(c.ropeTheta).toBe(500000);
    expect(c.ropeScaling.type).toBe('llama3');
  });
  it('reads qwen2_moe and mixtral for re-import', () => {
    const q = parseHfConfig({ ...tiny().raw, model_type: 'qwen2_moe', num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 6, shared_expert_intermediate_size: 12 });
    expect(q.moe).toMatchObject({ numExperts: 4, topK: 2, expertIntermediateSize: 6, sharedExpertIntermediateSize: 12, normTopkProb: false, decoderSparseStep: 1 });
    const x = parseHfConfig({ ...MISTRAL_7B, model_type: 'mixtral', num_local_experts: 8, num_experts_per_tok: 2 });
    expect(x.moe).toMatchObject({ numExperts: 8, topK: 2, expertIntermediateSize: 14336, sharedExpertIntermediateSize: 0, normTopkProb: true });
    expect(x.ropeTheta).toBe(10000);
  });
  it('rejects bad configs with typed errors that say what to do', () => {
    expect(() => parseHfConfig('{not json')).toThrow(ConfigError);
    expect(() => parseHfConfig({ model_type: 'gpt2' })).toThrow(UnsupportedArchitectureError);
    expect(() => parseHfConfig({ model_type: 'gpt2' })).toThrow(/pick a model of one of those families/);
    expect(() => parseHfConfig({ hidden_size: 8 })).toThrow(/no model_type/);
    expect(() => parseHfConfig({ ...LLAMA2_7B, hidden_size: undefined })).toThrow(/lacks hidden_size/);
    expect(() => parseHfConfig({ ...LLAMA2_7B, num_key_value_heads: 5 })).toThrow(/not a multiple/);
    expect(() => parseHfConfig({ ...LLAMA2_7B, rope_scaling: { rope_type: 'llama3', factor: 8 } })).toThrow(/lacks low_freq_factor/);
  });
});

describe('rope frequencies', () => {
  it('default is theta^(-2i/d)', () => {
    const f = ropeInverseFrequencies({ headDim: 8, ropeTheta: 10000, ropeScaling: { type: 'none' } });
    expect([...f]).toEqual([1, 10000 ** -0.25, 10000 ** -0.5, 10000 ** -0.75]);
  });
  it('llama3 keeps high frequencies, divides low ones by factor and blends the band between', () => {
    const c = parseHfConfig(LLAMA32_1B);
    const base = ropeInverseFrequencies({ ...c, ropeScaling: { type: 'none' } });
    const f = ropeInverseFrequencies(c);
    expect(f[0]).toBe(base[0]);
    expect(f[31]).toBeCloseTo(base[31] / 32, 15);
    // A band element computed by hand from transformers' formula.
    const i = [...base].findIndex((b) => (2 * Math.PI) / b >= 2048 && (2 * Math.PI) / b <= 8192);
    expect(i).toBeGreaterThan(0);
    const smooth = (8192 / ((2 * Math.PI) / base[i]) - 1) / 3;
    expect(f[i]).toBeCloseTo((1 - smooth) * (base[i] / 32) + smooth * base[i], 15);
    expect(() => ropeInverseFrequencies({ ...c, ropeScaling: { type: 'dynamic', factor: 2 } })).toThrow(/not implemented/);
  });
});

describe('architecture specs', () => {
  it('lists every Qwen2 tensor with shapes; tied models have no lm_head', () => {
    const s = buildArchSpec(tiny());
    expect(s.tensors.length).toBe(1 + 2 * (1 + 6 + 1 + 1 + 3) + 1);
    expect(s.tensors.find((t) => t.name === 'model.layers.0.self_attn.k_proj.weight')!.shape).toEqual([4, 8]);
    expect(s.tensors.some((t) => t.name === 'lm_head.weight')).toBe(false);
    expect(buildArchSpec(tiny({ tie_word_embeddings: false })).tensors.at(-1)!.name).toBe('lm_head.weight');
    expect(buildArchSpec(parseHfConfig(LLAMA2_7B)).tensors.some((t) => t.name.endsWith('q_proj.bias'))).toBe(false);
  });
  it('names the FFN-hidden space of a layer: gate/up rows, down columns', () => {
    const s = buildArchSpec(tiny({ model_type: 'llama', mlp_bias: true }));
    expect(ffnHiddenAxes(s, 1).map((a) => `${a.name}:${a.axis}`)).toEqual([
      'model.layers.1.mlp.gate_proj.weight:0',
      'model.layers.1.mlp.up_proj.weight:0',
      'model.layers.1.mlp.down_proj.weight:1',
      'model.layers.1.mlp.gate_proj.bias:0',
      'model.layers.1.mlp.up_proj.bias:0',
    ]);
    expect(s.spaces.get(ffnSpace(1))!.size).toBe(12);
    expect(tensorsInSpace(s, 'attn_kv:0').map((a) => a.name)).toEqual(['model.layers.0.self_attn.k_proj.weight', 'model.layers.0.self_attn.v_proj.weight']);
    expect(tensorsInSpace(s, 'vocab').length).toBe(1);
  });
  it('every axis of every tensor names a space of the right size', () => {
    for (const c of [tiny(), parseHfConfig(LLAMA32_1B), parseHfConfig({ ...tiny().raw, model_type: 'qwen2_moe', num_experts: 3, moe_intermediate_size: 6 })]) {
      const s = buildArchSpec(c);
      for (const t of s.tensors) t.axes.forEach((a, i) => expect(s.spaces.get(a)?.size, `${t.name} axis ${i}`).toBe(t.shape[i]));
    }
  });
  it('MoE specs: Qwen2-MoE experts + shared expert, Mixtral w1/w2/w3', () => {
    const q = buildArchSpec(parseHfConfig({ ...tiny().raw, model_type: 'qwen2_moe', num_experts: 3, moe_intermediate_size: 6, shared_expert_intermediate_size: 10 }));
    expect(q.tensors.find((t) => t.name === 'model.layers.0.mlp.gate.weight')!.shape).toEqual([3, 8]);
    expect(ffnHiddenAxes(q, 0, 2).map((a) => a.name)).toEqual(['model.layers.0.mlp.experts.2.gate_proj.weight', 'model.layers.0.mlp.experts.2.up_proj.weight', 'model.layers.0.mlp.experts.2.down_proj.weight']);
    expect(q.spaces.get(ffnSpace(0, 'shared'))!.size).toBe(10);
    expect(q.tensors.some((t) => t.name === 'model.layers.1.mlp.shared_expert_gate.weight')).toBe(true);
    const x = buildArchSpec(parseHfConfig({ ...tiny().raw, model_type: 'mixtral', num_local_experts: 2 }));
    expect(ffnHiddenAxes(x, 1, 1).map((a) => `${a.name}:${a.axis}`)).toEqual([
      'model.layers.1.block_sparse_moe.experts.1.w1.weight:0',
      'model.layers.1.block_sparse_moe.experts.1.w3.weight:0',
      'model.layers.1.block_sparse_moe.experts.1.w2.weight:1',
    ]);
  });
  it('permuting the FFN space through the spec leaves the SwiGLU output unchanged', () => {
    const c = tiny();
    const s = buildArchSpec(c);
    const rng = new Rng(3);
    const W = new Map(s.tensors.map((t) => [t.name, rng.normalArray(t.shape.reduce((a, b) => a * b, 1))]));
    const x = rng.normalArray(8);
    const p = 'model.layers.0.mlp.';
    const ffn = () => {
      const [g, u, d] = ['gate_proj', 'up_proj', 'down_proj'].map((n) => W.get(p + n + '.weight')!);
      const h = new Float64Array(12);
      for (let j = 0; j < 12; j++) {
        let a = 0, b = 0;
        for (let k = 0; k < 8; k++) {
          a += g[j * 8 + k] * x[k];
          b += u[j * 8 + k] * x[k];
        }
        h[j] = (a / (1 + Math.exp(-a))) * b;
      }
      return Array.from({ length: 8 }, (_, i) => h.reduce((acc, hj, j) => acc + d[i * 12 + j] * hj, 0));
    };
    const before = ffn();
    const perm = rng.permutation(12);
    for (const { name, axis } of ffnHiddenAxes(s, 0)) {
      const t = s.tensors.find((q) => q.name === name)!;
      const [rows, cols] = t.shape;
      const src = W.get(name)!;
      const out = new Float32Array(src.length);
      for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[r * cols + k] = axis === 0 ? src[perm[r] * cols + k] : src[r * cols + perm[k]];
      W.set(name, out);
    }
    ffn().forEach((v, i) => expect(v).toBeCloseTo(before[i], 4));
  });
  it('checks a checkpoint against its config', () => {
    const s = buildArchSpec(tiny());
    const m = shapesOf(tiny());
    m.delete('model.norm.weight');
    m.set('model.layers.0.mlp.up_proj.weight', { shape: [13, 8] });
    m.set('extra', { shape: [1] });
    const r = checkTensorsAgainstSpec(s, m);
    expect(r.missing).toEqual(['model.norm.weight']);
    expect(r.wrongShape).toEqual([{ name: 'model.layers.0.mlp.up_proj.weight', expected: [12, 8], actual: [13, 8] }]);
    expect(r.unexpected).toEqual(['extra']);
  });
});

describe('mergeability', () => {
  it('identical sources merge; every field row is ok', () => {
    const r = checkMergeability([src('a', tiny()), src('b', tiny()), src('c', tiny())]);
    expect(r.mergeable).toBe(true);
    expect(r.counts.error + r.counts.warning + r.counts.info).toBe(0);
    expect(r.rows.find((x) => x.field === 'rope_theta')!.values).toEqual(['1000000', '1000000', '1000000']);
  });
  it('rope_theta differs: a warning with the consequence (the Qwen2.5-Math case)', () => {
    const r = checkMergeability([src('Qwen2.5-1.5B', tiny()), src('Qwen2.5-Math-1.5B', tiny({ rope_theta: 10000 }))]);
    expect(r.mergeable).toBe(true);
    const row = r.rows.find((x) => x.field === 'rope_theta')!;
    expect(row.severity).toBe('warning');
    expect(row.values).toEqual(['1000000', '10000']);
    expect(row.message).toMatch(/Qwen2.5-Math-1.5B encode positions with a different rotary base.*uses the anchor's/);
  });
  it('vocabularies differ: info, merged by token string', () => {
    const r = checkMergeability([src('a', tiny()), src('b', tiny({ vocab_size: 40 }))]);
    expect(r.mergeable).toBe(true);
    expect(r.rows.find((x) => x.field === 'vocab_size')).toMatchObject({ severity: 'info', message: expect.stringMatching(/by token string/) as unknown });
    expect(r.rows.find((x) => x.field === 'tensor model.embed_tokens.weight')!.severity).toBe('info');
  });
  it('sources that cannot merge say why', () => {
    const r = checkMergeability([src('a', tiny()), src('b', tiny({ intermediate_size: 16 })), src('c', parseHfConfig({ ...tiny().raw, model_type: 'llama' }))]);
    expect(r.mergeable).toBe(false);
    expect(r.rows.find((x) => x.field === 'intermediate_size')).toMatchObject({ severity: 'error', values: ['12', '16', '12'], message: expect.stringMatching(/FFN widths differ/) as unknown });
    expect(r.rows.find((x) => x.field === 'model_type')!.severity).toBe('error');
    expect(r.rows.find((x) => x.field === 'attention_bias')!.severity).toBe('error');
    expect(r.rows.find((x) => x.field === 'tensor model.layers.0.mlp.up_proj.weight')).toMatchObject({ severity: 'error', values: ['[12, 8]', '[16, 8]', '[12, 8]'] });
    expect(r.rows.find((x) => x.field === 'tensor model.layers.0.self_attn.q_proj.bias')!.message).toMatch(/c has no tensor/);
  });
  it('a checkpoint whose weights disagree with its own config, MoE sources, and a lone source', () => {
    const bad = src('b', tiny());
    (bad.tensors as Map<string, { shape: number[] }>).delete('model.norm.weight');
    expect(checkMergeability([src('a', tiny()), bad]).rows.some((x) => x.field === 'tensors vs config' && x.severity === 'error')).toBe(true);
    const moe = parseHfConfig({ ...tiny().raw, model_type: 'qwen2_moe', num_experts: 2 });
    expect(checkMergeability([src('a', tiny()), src('m', moe)]).rows[0]).toMatchObject({ severity: 'error', message: expect.stringMatching(/already a Mixture-of-Experts/) as unknown });
    expect(checkMergeability([src('a', tiny())]).mergeable).toBe(false);
  });
});
