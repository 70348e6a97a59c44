/**
 * Synthetic checkpoints with exactly the shapes of real models (Qwen2.5-0.5B / 1.5B), for scale
 * tests of memory, time and device limits, not of quality. Shared by scripts/scale/make-synthetic.ts
 * (bf16 files on disk) and the in-memory provider below (browser-safe: the Chromium probe-scale
 * page). Values: uniform with std 0.02 (RMSNorm weights 1 + 0.05 r); a source is either drawn
 * from scratch or a shared base plus 10% own noise, like fine-tunes of one base model.
 */
import { buildArchSpec } from '../../core/arch/spec';
import { parseHfConfig } from '../../core/arch/config';
import { InvalidArgumentError } from '../../core/errors';
import { parseModelConfig, type ModelConfig } from '../config';
import { MissingTensorError, type HostTensor, type WeightProvider } from '../weights';

export const SCALE_SHAPES = {
  '0.5b': { name: 'qwen2.5-0.5b', hidden_size: 896, num_hidden_layers: 24, intermediate_size: 4864, num_attention_heads: 14, num_key_value_heads: 2, max_window_layers: 21 },
  '1.5b': { name: 'qwen2.5-1.5b', hidden_size: 1536, num_hidden_layers: 28, intermediate_size: 8960, num_attention_heads: 12, num_key_value_heads: 2, max_window_layers: 21 },
} as const;
export type ScaleShape = keyof typeof SCALE_SHAPES;

/** The real models' embedding rows. */
export const SCALE_VOCAB = 151936;

/** config.json of a synthetic source; `layers` and `vocab` may be cut down (tests), the rest is exact. */
export function scaleHfConfig(shape: ScaleShape, o: { eot: number; vocab?: number; layers?: number }): Record<string, unknown> {
  const s = SCALE_SHAPES[shape];
  return {
    architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', attention_dropout: 0, bos_token_id: o.eot, eos_token_id: o.eot, hidden_act: 'silu',
    hidden_size: s.hidden_size, initializer_range: 0.02, intermediate_size: s.intermediate_size, max_position_embeddings: 32768,
    max_window_layers: s.max_window_layers, num_attention_heads: s.num_attention_heads, num_hidden_layers: o.layers ?? s.num_hidden_layers,
    num_key_value_heads: s.num_key_value_heads, rms_norm_eps: 1e-6, rope_scaling: null, rope_theta: 1000000, sliding_window: 32768,
    tie_word_embeddings: true, torch_dtype: 'bfloat16', use_cache: true, use_sliding_window: false, vocab_size: o.vocab ?? SCALE_VOCAB,
  };
}

/** xorshift32 uniform in [-1, 1). */
export function uniformStream(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2147483648 - 1;
  };
}

/** A synthetic value from the source's own draw and the shared base's (null: no shared base). */
export function syntheticValue(own: number, base: number | null, isNorm: boolean): number {
  const r = base === null ? own : base + 0.1 * own;
  return isNorm ? 1 + 0.05 * r : 0.02 * Math.sqrt(3) * r;
}

function nameHash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * A source generated on demand, tensor by tensor (each from its own seeded stream, so the same
 * name always gives the same values; nothing is held unless `keep`): with layer-streaming
 * forwards only the current layer exists. seed: the source's own draw; baseSeed: the shared base (null: none).
 */
export class SyntheticWeights implements WeightProvider {
  readonly config: ModelConfig;
  private readonly shapes: Map<string, { shape: number[]; norm: boolean }>;
  private readonly kept = new Map<string, HostTensor>();

  constructor(
    shape: ScaleShape,
    /** keep: hold every generated tensor (repeated passes without regenerating; costs memory). */
    readonly opts: { seed: number; baseSeed: number | null; vocab: number; layers: number; keep?: boolean },
  ) {
    if (opts.layers < 1 || opts.layers > SCALE_SHAPES[shape].num_hidden_layers) {
      throw new InvalidArgumentError(`SyntheticWeights: ${opts.layers} layers; ${shape} has 1 to ${SCALE_SHAPES[shape].num_hidden_layers}`);
    }
    const raw = scaleHfConfig(shape, { eot: opts.vocab - 1, vocab: opts.vocab, layers: opts.layers });
    this.config = parseModelConfig(raw);
    const spec = buildArchSpec(parseHfConfig(raw, SCALE_SHAPES[shape].name));
    this.shapes = new Map(spec.tensors.map((t) => [t.name, { shape: [...t.shape], norm: t.role.endsWith('norm') }]));
  }

  getTensor(name: string): Promise<HostTensor> {
    const t = this.shapes.get(name);
    if (!t) return Promise.reject(new MissingTensorError(`The synthetic checkpoint has no tensor "${name}".`, { name }));
    const hit = this.kept.get(name);
    if (hit) return Promise.resolve(hit);
    const h = nameHash(name);
    const own = uniformStream(h ^ Math.imul(this.opts.seed + 1, 0x9e3779b1));
    const base = this.opts.baseSeed === null ? null : uniformStream(h ^ Math.imul(this.opts.baseSeed + 1000, 0x9e3779b1));
    const data = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = syntheticValue(own(), base ? base() : null, t.norm);
    const out = { data, shape: t.shape };
    if (this.opts.keep) this.kept.set(name, out);
    return Promise.resolve(out);
  }
}
