/**
 * A minimal typed model config for the engine, parsed from a Hugging Face config.json object
 * (qwen2, llama, mistral, qwen2_moe, mixtral). Reads both the classic rope fields (rope_theta +
 * rope_scaling, what Hub checkpoints ship) and transformers 5's rope_parameters. Only what the
 * forward pass needs; full architecture specs live with the checkpoint sources and can replace
 * this parser as long as they produce a ModelConfig.
 */
import { StudioError, registerError } from '../core/errors';
import type { RopeScaling } from '../core/ref/rope';

export class ModelConfigError extends StudioError {
  override readonly code = 'MODEL_CONFIG';
}
registerError('MODEL_CONFIG', ModelConfigError);

export const MODEL_TYPES = ['qwen2', 'llama', 'mistral', 'qwen2_moe', 'mixtral'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export interface MoeConfig {
  numExperts: number;
  topK: number;
  /** Renormalise the top-k probabilities to sum 1 (Mixtral always; Qwen2-MoE's default false). */
  normTopkProb: boolean;
  expertIntermediateSize: number;
  /** 0 when the model has no shared expert (Mixtral). */
  sharedExpertIntermediateSize: number;
  /** Per layer: true when the layer's FFN is an MoE block (decoder_sparse_step, mlp_only_layers). */
  sparseLayers: boolean[];
}

export interface ModelConfig {
  modelType: ModelType;
  vocabSize: number;
  hiddenSize: number;
  /** Dense FFN width (also the width of Qwen2-MoE's dense layers, if any). */
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling;
  tieWordEmbeddings: boolean;
  attentionBias: boolean;
  slidingWindow: number | null;
  moe: MoeConfig | null;
}

type Json = Record<string, unknown>;

function num(c: Json, key: string, fallback?: number): number {
  const v = c[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
  }
  throw new ModelConfigError(`config.json: "${key}" is missing or not a number. Check that the file is a transformers config.`, { key });
}

function bool(c: Json, key: string, fallback: boolean): boolean {
  const v = c[key];
  return typeof v === 'boolean' ? v : fallback;
}

function parseRope(c: Json): { theta: number; scaling: RopeScaling } {
  const params = (c.rope_parameters ?? null) as Json | null;
  const scalingObj = (params ?? c.rope_scaling ?? null) as Json | null;
  const theta = typeof params?.rope_theta === 'number' ? params.rope_theta : num(c, 'rope_theta', 10000);
  const type = (scalingObj?.rope_type ?? scalingObj?.type ?? 'default') as string;
  if (type === 'default' || !scalingObj) return { theta, scaling: { type: 'default' } };
  if (type === 'linear') return { theta, scaling: { type: 'linear', factor: num(scalingObj, 'factor') } };
  if (type === 'llama3') {
    return {
      theta,
      scaling: {
        type: 'llama3',
        factor: num(scalingObj, 'factor'),
        lowFreqFactor: num(scalingObj, 'low_freq_factor'),
        highFreqFactor: num(scalingObj, 'high_freq_factor'),
        originalMaxPositions: num(scalingObj, 'original_max_position_embeddings', num(c, 'max_position_embeddings', 8192)),
      },
    };
  }
  throw new ModelConfigError(`RoPE scaling "${type}" is not supported yet (supported: default, linear, llama3).`, { type });
}

/** Parse an HF config.json object into a ModelConfig; unsupported models raise ModelConfigError. */
export function parseModelConfig(raw: unknown): ModelConfig {
  if (typeof raw !== 'object' || raw === null) throw new ModelConfigError('config.json is not a JSON object.');
  const c = raw as Json;
  const modelType = c.model_type as ModelType;
  if (!MODEL_TYPES.includes(modelType)) {
    throw new ModelConfigError(
      `model_type "${String(c.model_type)}" is not supported. Supported: ${MODEL_TYPES.join(', ')}.`,
      { modelType: String(c.model_type) },
    );
  }
  const act = typeof c.hidden_act === 'string' ? c.hidden_act : 'silu';
  if (act !== 'silu') throw new ModelConfigError(`hidden_act "${act}" is not supported; the engine implements SwiGLU (silu).`);
  const hiddenSize = num(c, 'hidden_size');
  const numHeads = num(c, 'num_attention_heads');
  const numLayers = num(c, 'num_hidden_layers');
  const numKvHeads = num(c, 'num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) throw new ModelConfigError(`num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}.`);
  const headDim = num(c, 'head_dim', hiddenSize / numHeads);
  const rope = parseRope(c);
  const qwen = modelType === 'qwen2' || modelType === 'qwen2_moe';
  // Qwen2's attention always has q/k/v biases; transformers 5's Qwen2-MoE names the flag qkv_bias.
  const attentionBias = modelType === 'qwen2' ? true : modelType === 'qwen2_moe' ? bool(c, 'qkv_bias', true) : bool(c, 'attention_bias', false);
  const window = typeof c.sliding_window === 'number' && c.sliding_window > 0 ? c.sliding_window : null;
  const slidingWindow = qwen ? (bool(c, 'use_sliding_window', false) ? window : null) : window;
  if (qwen && slidingWindow !== null) {
    throw new ModelConfigError('Qwen2 sliding-window attention (use_sliding_window: true) is not supported.');
  }
  let moe: MoeConfig | null = null;
  if (modelType === 'qwen2_moe') {
    const step = num(c, 'decoder_sparse_step', 1);
    const dense = new Set((c.mlp_only_layers as number[] | undefined) ?? []);
    const numExperts = num(c, 'num_experts');
    moe = {
      numExperts,
      topK: num(c, 'num_experts_per_tok'),
      normTopkProb: bool(c, 'norm_topk_prob', false),
      expertIntermediateSize: num(c, 'moe_intermediate_size'),
      sharedExpertIntermediateSize: num(c, 'shared_expert_intermediate_size', 0),
      sparseLayers: Array.from({ length: numLayers }, (_, l) => !dense.has(l) && numExperts > 0 && (l + 1) % step === 0),
    };
  } else if (modelType === 'mixtral') {
    moe = {
      numExperts: num(c, 'num_local_experts'),
      topK: num(c, 'num_experts_per_tok'),
      normTopkProb: true,
      expertIntermediateSize: num(c, 'intermediate_size'),
      sharedExpertIntermediateSize: 0,
      sparseLayers: Array(numLayers).fill(true) as boolean[],
    };
  }
  return {
    modelType,
    vocabSize: num(c, 'vocab_size'),
    hiddenSize,
    intermediateSize: num(c, 'intermediate_size'),
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    rmsNormEps: num(c, 'rms_norm_eps', 1e-6),
    ropeTheta: rope.theta,
    ropeScaling: rope.scaling,
    // The transformers config classes of these five families all default to untied; Hub
    // checkpoints that tie (Qwen2.5-0.5B) say so explicitly.
    tieWordEmbeddings: bool(c, 'tie_word_embeddings', false),
    attentionBias,
    slidingWindow,
    moe,
  };
}
