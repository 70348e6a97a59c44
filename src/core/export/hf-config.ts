/**
 * config.json of an exported model (FORMATS.md "Writing a merged MoE that stock transformers
 * loads"): every field of the anchor's config is copied, then the MoE fields are set from our
 * ModelConfig. Qwen2 -> Qwen2MoeForCausalLM (num_experts, moe_intermediate_size,
 * shared_expert_intermediate_size, norm_topk_prob, decoder_sparse_step 1, mlp_only_layers []);
 * Llama / Mistral -> MixtralForCausalLM (num_local_experts; intermediate_size is the expert width;
 * top-k always renormalised). tie_word_embeddings is always written explicitly: Qwen2MoeConfig
 * defaults it to false while Qwen2.5-0.5B/1.5B are tied and ship no lm_head.
 * Output: sorted keys, two-space indent, trailing newline, so equal inputs give equal bytes and
 * exporting a re-imported export reproduces the file.
 */
import { InvalidArgumentError } from '../errors';
import type { ModelConfig } from '../../model/config';
import type { Dtype } from '../formats/safetensors';

export interface HfConfigOptions {
  dtype: Dtype;
  /** router_aux_loss_coef (transformers' load-balancing weight when training with output_router_logits). */
  routerAuxLossCoef?: number;
}

/** Fields that describe the anchor's own packaging, not the exported model. */
const DROPPED = ['auto_map', '_name_or_path', 'quantization_config', '_commit_hash'];

const ARCH: Record<ModelConfig['modelType'], string> = {
  qwen2: 'Qwen2ForCausalLM',
  llama: 'LlamaForCausalLM',
  mistral: 'MistralForCausalLM',
  qwen2_moe: 'Qwen2MoeForCausalLM',
  mixtral: 'MixtralForCausalLM',
};

const DTYPE_NAME: Record<Dtype, string> = { F32: 'float32', BF16: 'bfloat16', F16: 'float16' };

/**
 * Keys transformers 5 declares as float (its strict config dataclasses reject an int there), so
 * integral values are written as 1.0 the way Python's json would.
 */
const FLOAT_KEYS = new Set([
  'initializer_range', 'rms_norm_eps', 'attention_dropout', 'router_aux_loss_coef', 'router_jitter_noise',
  'rope_theta', 'factor', 'low_freq_factor', 'high_freq_factor', 'attention_factor', 'beta_fast', 'beta_slow',
]);

/** JSON with keys sorted at every level, 2-space indent and a final newline (floats as floats). */
export function stableJson(value: unknown): string {
  const write = (v: unknown, indent: string, key: string | null): string => {
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const inner = indent + '  ';
      return `[\n${v.map((x) => inner + write(x, inner, null)).join(',\n')}\n${indent}]`;
    }
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
      if (keys.length === 0) return '{}';
      const inner = indent + '  ';
      return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${write(o[k], inner, k)}`).join(',\n')}\n${indent}}`;
    }
    if (typeof v === 'number' && key !== null && FLOAT_KEYS.has(key) && Number.isInteger(v) && Math.abs(v) < 1e15) return `${v}.0`;
    return JSON.stringify(v) ?? 'null';
  };
  return write(value, '', null) + '\n';
}

/** The exported config object. `cfg` is the exported ModelConfig (hf-tensors exportedModelConfig). */
export function buildHfConfig(anchorRaw: Record<string, unknown>, cfg: ModelConfig, opts: HfConfigOptions): Record<string, unknown> {
  const c: Record<string, unknown> = { ...anchorRaw };
  for (const k of DROPPED) delete c[k];
  c.architectures = [ARCH[cfg.modelType]];
  c.model_type = cfg.modelType;
  c.vocab_size = cfg.vocabSize;
  c.tie_word_embeddings = cfg.tieWordEmbeddings;
  if ('dtype' in c) c.dtype = DTYPE_NAME[opts.dtype];
  if ('torch_dtype' in c || !('dtype' in c)) c.torch_dtype = DTYPE_NAME[opts.dtype];
  const moe = cfg.moe;
  if (cfg.modelType === 'qwen2_moe') {
    if (!moe) throw new InvalidArgumentError('a qwen2_moe export needs an MoE config.');
    if (moe.sparseLayers.some((s) => !s)) throw new InvalidArgumentError('mixed dense/MoE layers are not exported yet; every layer must be an MoE layer.');
    Object.assign(c, {
      num_experts: moe.numExperts,
      num_experts_per_tok: moe.topK,
      moe_intermediate_size: moe.expertIntermediateSize,
      shared_expert_intermediate_size: moe.sharedExpertIntermediateSize,
      norm_topk_prob: moe.normTopkProb,
      decoder_sparse_step: 1,
      mlp_only_layers: [],
      qkv_bias: cfg.attentionBias,
      router_aux_loss_coef: opts.routerAuxLossCoef ?? (typeof c.router_aux_loss_coef === 'number' ? c.router_aux_loss_coef : 0.001),
      output_router_logits: false,
    });
    if (!cfg.attentionBias) throw new InvalidArgumentError('Qwen2-MoE always has q/k/v biases; a model without them must be exported as Mixtral.');
  } else if (cfg.modelType === 'mixtral') {
    if (!moe) throw new InvalidArgumentError('a mixtral export needs an MoE config.');
    if (cfg.attentionBias) throw new InvalidArgumentError('Mixtral has no attention biases; a model with q/k/v biases (Qwen2) must be exported as Qwen2-MoE.');
    if (moe.sharedExpertIntermediateSize > 0) throw new InvalidArgumentError('Mixtral has no shared expert; export the model without one.');
    if (!moe.normTopkProb) throw new InvalidArgumentError('Mixtral always renormalises the top-k probabilities; train the router with norm_topk_prob true.');
    for (const k of ['attention_bias', 'mlp_bias', 'pretraining_tp']) delete c[k];
    Object.assign(c, {
      num_local_experts: moe.numExperts,
      num_experts_per_tok: moe.topK,
      intermediate_size: moe.expertIntermediateSize,
      router_aux_loss_coef: opts.routerAuxLossCoef ?? (typeof c.router_aux_loss_coef === 'number' ? c.router_aux_loss_coef : 0.001),
      output_router_logits: false,
    });
  }
  return c;
}
