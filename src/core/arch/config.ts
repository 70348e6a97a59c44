/**
 * Hugging Face `config.json` -> a typed ArchConfig for the families the studio reads: qwen2,
 * llama (2 and 3.x, with llama3 rope scaling), mistral, and qwen2_moe / mixtral for re-import.
 * Defaults follow the transformers config classes (Qwen2Config, LlamaConfig, MistralConfig,
 * Qwen2MoeConfig, MixtralConfig); both the classic `rope_theta` / `rope_scaling` fields and the
 * newer `rope_parameters` object are read. The raw object is kept for export (FORMATS.md copies
 * every field of the anchor's config).
 */
import { StudioError, registerError } from '../errors';

export class ConfigError extends StudioError {
  override readonly code = 'CONFIG_INVALID';
}
registerError('CONFIG_INVALID', ConfigError);

export class UnsupportedArchitectureError extends StudioError {
  override readonly code = 'UNSUPPORTED_ARCHITECTURE';
}
registerError('UNSUPPORTED_ARCHITECTURE', UnsupportedArchitectureError);

export type ModelFamily = 'qwen2' | 'llama' | 'mistral' | 'qwen2_moe' | 'mixtral';
export const DENSE_FAMILIES: readonly ModelFamily[] = ['qwen2', 'llama', 'mistral'];
export const MOE_FAMILIES: readonly ModelFamily[] = ['qwen2_moe', 'mixtral'];

export type RopeScaling =
  | { type: 'none' }
  | { type: 'linear'; factor: number }
  | { type: 'dynamic'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number }
  | { type: 'other'; name: string; raw: Record<string, unknown> };

export interface MoeConfig {
  numExperts: number;
  topK: number;
  /** Width of each routed expert's FFN. */
  expertIntermediateSize: number;
  /** Width of the Qwen2-MoE shared expert (0 when there is none, e.g. Mixtral). */
  sharedExpertIntermediateSize: number;
  normTopkProb: boolean;
  decoderSparseStep: number;
  mlpOnlyLayers: number[];
  routerAuxLossCoef: number;
}

export interface ArchConfig {
  family: ModelFamily;
  modelType: string;
  architectures: string[];
  hiddenSize: number;
  /** Dense FFN width (for MoE families: the width of dense `mlp_only_layers`). */
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  hiddenAct: string;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling;
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  /** Bias on q/k/v projections (always on for Qwen2, `attention_bias` for Llama). */
  qkvBias: boolean;
  oBias: boolean;
  mlpBias: boolean;
  slidingWindow: number | null;
  bosTokenId: number | null;
  eosTokenId: number | number[] | null;
  torchDtype: string | null;
  moe: MoeConfig | null;
  raw: Record<string, unknown>;
}

const MODEL_TYPES: Record<string, ModelFamily> = { qwen2: 'qwen2', llama: 'llama', mistral: 'mistral', qwen2_moe: 'qwen2_moe', mixtral: 'mixtral' };

/** Parse config.json text (or an already parsed object). `label` names the source in errors. */
export function parseHfConfig(input: string | Record<string, unknown>, label = 'config.json'): ArchConfig {
  let raw: Record<string, unknown>;
  if (typeof input === 'string') {
    let obj: unknown;
    try {
      obj = JSON.parse(input);
    } catch {
      throw new ConfigError(`${label}: config.json is not valid JSON. Re-download the model or pick another revision.`, { source: label });
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new ConfigError(`${label}: config.json is not a JSON object. Re-download the model or pick another revision.`, { source: label });
    }
    raw = obj as Record<string, unknown>;
  } else {
    raw = input;
  }
  const modelType = raw.model_type;
  if (typeof modelType !== 'string') {
    throw new ConfigError(`${label}: config.json has no model_type. The studio needs a transformers config (qwen2, llama or mistral).`, { source: label });
  }
  const family = MODEL_TYPES[modelType];
  if (!family) {
    throw new UnsupportedArchitectureError(
      `${label}: model_type "${modelType}" is not supported. The studio merges qwen2, llama and mistral models (and re-imports qwen2_moe / mixtral); pick a model of one of those families.`,
      { source: label, modelType },
    );
  }
  const num = (key: string, dflt?: number): number => {
    const v = raw[key];
    if (v === undefined || v === null) {
      if (dflt !== undefined) return dflt;
      throw new ConfigError(`${label}: config.json lacks ${key}, which a ${modelType} model needs. The file is incomplete; re-download it.`, { source: label, field: key });
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ConfigError(`${label}: ${key} is ${JSON.stringify(v)}, not a number. Fix config.json or pick another revision.`, { source: label, field: key });
    }
    return v;
  };
  const int = (key: string, dflt?: number): number => {
    const v = num(key, dflt);
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`${label}: ${key} must be a non-negative integer, got ${v}. Fix config.json.`, { source: label, field: key });
    return v;
  };
  const bool = (key: string, dflt: boolean): boolean => {
    const v = raw[key];
    return typeof v === 'boolean' ? v : dflt;
  };
  const hiddenSize = int('hidden_size');
  const numHeads = int('num_attention_heads');
  if (numHeads === 0) throw new ConfigError(`${label}: num_attention_heads is 0. Fix config.json.`, { source: label, field: 'num_attention_heads' });
  const numKvHeads = int('num_key_value_heads', numHeads);
  if (numKvHeads === 0 || numHeads % numKvHeads !== 0) {
    throw new ConfigError(`${label}: num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}. Fix config.json.`, { source: label });
  }
  const headDim = int('head_dim', Math.floor(hiddenSize / numHeads));
  const rope = readRope(raw, label, family);
  const isQwen = family === 'qwen2' || family === 'qwen2_moe';
  const cfg: ArchConfig = {
    family,
    modelType,
    architectures: Array.isArray(raw.architectures) ? raw.architectures.filter((a): a is string => typeof a === 'string') : [],
    hiddenSize,
    intermediateSize: int('intermediate_size', family === 'qwen2_moe' ? 5632 : undefined),
    numLayers: int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    vocabSize: int('vocab_size'),
    hiddenAct: typeof raw.hidden_act === 'string' ? raw.hidden_act : 'silu',
    rmsNormEps: num('rms_norm_eps', family === 'mixtral' || family === 'mistral' ? 1e-5 : 1e-6),
    ropeTheta: rope.theta,
    ropeScaling: rope.scaling,
    maxPositionEmbeddings: int('max_position_embeddings', family === 'llama' ? 2048 : 32768),
    tieWordEmbeddings: bool('tie_word_embeddings', false),
    qkvBias: isQwen ? true : bool('attention_bias', false),
    oBias: isQwen ? false : bool('attention_bias', false),
    mlpBias: family === 'llama' ? bool('mlp_bias', false) : false,
    slidingWindow: slidingWindow(raw, family),
    bosTokenId: typeof raw.bos_token_id === 'number' ? raw.bos_token_id : null,
    eosTokenId: typeof raw.eos_token_id === 'number' || Array.isArray(raw.eos_token_id) ? (raw.eos_token_id as number | number[]) : null,
    torchDtype: typeof raw.torch_dtype === 'string' ? raw.torch_dtype : typeof raw.dtype === 'string' ? raw.dtype : null,
    moe: null,
    raw,
  };
  if (family === 'qwen2_moe') {
    cfg.moe = {
      numExperts: int('num_experts', 60),
      topK: int('num_experts_per_tok', 4),
      expertIntermediateSize: int('moe_intermediate_size', 1408),
      sharedExpertIntermediateSize: int('shared_expert_intermediate_size', 5632),
      normTopkProb: bool('norm_topk_prob', false),
      decoderSparseStep: int('decoder_sparse_step', 1),
      mlpOnlyLayers: Array.isArray(raw.mlp_only_layers) ? raw.mlp_only_layers.filter((x): x is number => Number.isInteger(x)) : [],
      routerAuxLossCoef: num('router_aux_loss_coef', 0.001),
    };
  } else if (family === 'mixtral') {
    cfg.moe = {
      numExperts: int('num_local_experts', 8),
      topK: int('num_experts_per_tok', 2),
      expertIntermediateSize: cfg.intermediateSize,
      sharedExpertIntermediateSize: 0,
      normTopkProb: true,
      decoderSparseStep: 1,
      mlpOnlyLayers: [],
      routerAuxLossCoef: num('router_aux_loss_coef', 0.001),
    };
  }
  return cfg;
}

function slidingWindow(raw: Record<string, unknown>, family: ModelFamily): number | null {
  const sw = typeof raw.sliding_window === 'number' ? raw.sliding_window : null;
  // Qwen2 configs carry a sliding_window that is only active with use_sliding_window: true.
  if (family === 'qwen2' || family === 'qwen2_moe') return raw.use_sliding_window === true ? sw : null;
  if (family === 'llama') return null;
  return sw;
}

function readRope(raw: Record<string, unknown>, label: string, family: ModelFamily): { theta: number; scaling: RopeScaling } {
  // transformers >= 5 nests theta and scaling in rope_parameters; older configs use top-level fields.
  const params = typeof raw.rope_parameters === 'object' && raw.rope_parameters !== null ? (raw.rope_parameters as Record<string, unknown>) : null;
  const thetaRaw = params?.rope_theta ?? raw.rope_theta;
  const dflt = family === 'mixtral' ? 1e6 : 10000;
  if (thetaRaw !== undefined && (typeof thetaRaw !== 'number' || !(thetaRaw > 0))) {
    throw new ConfigError(`${label}: rope_theta is ${JSON.stringify(thetaRaw)}, not a positive number. Fix config.json.`, { source: label, field: 'rope_theta' });
  }
  const theta = typeof thetaRaw === 'number' ? thetaRaw : dflt;
  const s = (params ?? (typeof raw.rope_scaling === 'object' && raw.rope_scaling !== null ? raw.rope_scaling : null)) as Record<string, unknown> | null;
  if (!s) return { theta, scaling: { type: 'none' } };
  const kindRaw = s.rope_type ?? s.type;
  const kind = typeof kindRaw === 'string' ? kindRaw : 'default';
  const factor = typeof s.factor === 'number' ? s.factor : 1;
  const need = (k: string): number => {
    if (typeof s[k] !== 'number') {
      throw new ConfigError(`${label}: rope_scaling of type ${kind} lacks ${k}. Fix config.json.`, { source: label, field: `rope_scaling.${k}` });
    }
    return s[k];
  };
  switch (kind) {
    case 'default':
      return { theta, scaling: { type: 'none' } };
    case 'linear':
      return { theta, scaling: { type: 'linear', factor } };
    case 'dynamic':
      return { theta, scaling: { type: 'dynamic', factor } };
    case 'llama3':
      return {
        theta,
        scaling: {
          type: 'llama3',
          factor: need('factor'),
          lowFreqFactor: need('low_freq_factor'),
          highFreqFactor: need('high_freq_factor'),
          originalMaxPositionEmbeddings: need('original_max_position_embeddings'),
        },
      };
    default: {
      const rest = { ...s };
      delete rest.rope_theta;
      return { theta, scaling: { type: 'other', name: kind, raw: rest } };
    }
  }
}

/** A short human description of the rope scaling, for diff tables. */
export function describeRopeScaling(s: RopeScaling): string {
  switch (s.type) {
    case 'none':
      return 'none';
    case 'linear':
    case 'dynamic':
      return `${s.type} x${s.factor}`;
    case 'llama3':
      return `llama3 x${s.factor} (low ${s.lowFreqFactor}, high ${s.highFreqFactor}, original ${s.originalMaxPositionEmbeddings})`;
    default:
      return `${s.name} ${JSON.stringify(s.raw)}`;
  }
}

/**
 * RoPE inverse frequencies (headDim / 2 values) as transformers computes them: default and
 * linear (positions / factor, equivalently inv_freq / factor) and llama3 (wavelength-dependent
 * scaling with a smooth band, `_compute_llama3_parameters`). Dynamic/other scalings depend on the
 * sequence length and are rejected here.
 */
export function ropeInverseFrequencies(cfg: Pick<ArchConfig, 'headDim' | 'ropeTheta' | 'ropeScaling'>): Float64Array {
  const half = cfg.headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / cfg.ropeTheta ** ((2 * i) / cfg.headDim);
  const s = cfg.ropeScaling;
  if (s.type === 'none') return inv;
  if (s.type === 'linear') return inv.map((f) => f / s.factor);
  if (s.type === 'llama3') {
    const lowWavelen = s.originalMaxPositionEmbeddings / s.lowFreqFactor;
    const highWavelen = s.originalMaxPositionEmbeddings / s.highFreqFactor;
    return inv.map((f) => {
      const wavelen = (2 * Math.PI) / f;
      if (wavelen < highWavelen) return f;
      if (wavelen > lowWavelen) return f / s.factor;
      const smooth = (s.originalMaxPositionEmbeddings / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      return (1 - smooth) * (f / s.factor) + smooth * f;
    });
  }
  throw new UnsupportedArchitectureError(
    `rope scaling "${s.type === 'dynamic' ? 'dynamic' : s.name}" is not implemented by the studio's engine; pick a model with default, linear or llama3 rope scaling.`,
  );
}
