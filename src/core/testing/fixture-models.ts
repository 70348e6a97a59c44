/**
 * Tiny, deterministic fixture repositories for tests and the local Hub server: a byte-level BPE
 * tokenizer.json (GPT-2 / Qwen2 style: 256 byte symbols + merges spelling a word list + one special
 * token) and Qwen2 / Llama / Mistral-shaped checkpoints (config.json, safetensors single or sharded,
 * tokenizer files) filled with seeded random weights. Everything is returned as path -> bytes so it
 * can be served from memory, written to a folder or wrapped as Files.
 */
import { buildArchSpec } from '../arch/spec';
import { parseHfConfig } from '../arch/config';
import { Rng } from '../rng';
import { serializeSafetensors, type Dtype } from '../formats/safetensors';
import { planShards } from '../formats/safetensors-writer';

/** GPT-2's reversible byte -> printable character map (used by ByteLevel pre-tokenizers). */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const map: string[] = new Array<string>(256);
  for (const b of bs) map[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (map[b] === undefined) map[b] = String.fromCharCode(256 + n++);
  return map;
}

/**
 * A byte-level BPE tokenizer.json whose merges spell each word of `words` (left to right); words
 * starting with a space get the "Ġ" prefix as GPT-2 vocabularies do.
 */
export function byteLevelBpeTokenizer(words: readonly string[], special = '<|endoftext|>'): Record<string, unknown> {
  const b2u = bytesToUnicode();
  const vocab: Record<string, number> = {};
  b2u.forEach((ch, i) => (vocab[ch] = i));
  const merges: [string, string][] = [];
  const enc = new TextEncoder();
  for (const w of words) {
    const syms = [...enc.encode(w)].map((b) => b2u[b]);
    let cur = syms[0];
    for (let i = 1; i < syms.length; i++) {
      const next = cur + syms[i];
      if (!(next in vocab)) {
        merges.push([cur, syms[i]]);
        vocab[next] = Object.keys(vocab).length;
      }
      cur = next;
    }
  }
  const specialId = Object.keys(vocab).length;
  const bl = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: specialId, content: special, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: bl,
    post_processor: bl,
    decoder: bl,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
}

export interface FixtureModelOptions {
  family?: 'qwen2' | 'llama' | 'mistral';
  words?: readonly string[];
  seed?: number;
  hiddenSize?: number;
  intermediateSize?: number;
  numLayers?: number;
  numHeads?: number;
  numKvHeads?: number;
  ropeTheta?: number;
  tieWordEmbeddings?: boolean;
  dtype?: Dtype;
  /** Split the weights into shards of at most this many bytes (with an index). */
  maxShardBytes?: number;
  /** Extra config.json fields (override the defaults). */
  configOverrides?: Record<string, unknown>;
}

export const FIXTURE_WORDS = [' the', ' cat', ' sat', ' on', ' mat', 'Hello', ' world', ' def', ' return', ' x', ' +', ' 1', ' =', ' 2'];

/** Files of one tiny model repository, path -> bytes. */
export function fixtureModelFiles(opts: FixtureModelOptions = {}): Map<string, Uint8Array> {
  const family = opts.family ?? 'qwen2';
  const tok = byteLevelBpeTokenizer(opts.words ?? FIXTURE_WORDS);
  const nTok = (tok.added_tokens as { id: number }[])[0].id + 1;
  const vocabSize = Math.ceil(nTok / 8) * 8;
  const raw: Record<string, unknown> = {
    architectures: [family === 'qwen2' ? 'Qwen2ForCausalLM' : family === 'llama' ? 'LlamaForCausalLM' : 'MistralForCausalLM'],
    model_type: family,
    hidden_size: opts.hiddenSize ?? 16,
    intermediate_size: opts.intermediateSize ?? 32,
    num_hidden_layers: opts.numLayers ?? 2,
    num_attention_heads: opts.numHeads ?? 4,
    num_key_value_heads: opts.numKvHeads ?? 2,
    vocab_size: vocabSize,
    hidden_act: 'silu',
    rms_norm_eps: family === 'qwen2' ? 1e-6 : 1e-5,
    rope_theta: opts.ropeTheta ?? (family === 'qwen2' ? 1000000 : 10000),
    max_position_embeddings: 512,
    tie_word_embeddings: opts.tieWordEmbeddings ?? family === 'qwen2',
    bos_token_id: nTok - 1,
    eos_token_id: nTok - 1,
    torch_dtype: opts.dtype === 'F32' ? 'float32' : opts.dtype === 'F16' ? 'float16' : 'bfloat16',
    ...(family === 'llama' ? { attention_bias: false, mlp_bias: false } : {}),
    ...(family === 'qwen2' ? { use_sliding_window: false, sliding_window: 512 } : {}),
    ...opts.configOverrides,
  };
  const spec = buildArchSpec(parseHfConfig(raw, 'fixture'));
  const rng = new Rng(opts.seed ?? 1);
  const tensors = spec.tensors.map((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const data = t.role.endsWith('norm') ? Float32Array.from({ length: n }, () => 1 + 0.1 * rng.normal()) : rng.normalArray(n, 0.2);
    return { name: t.name, shape: t.shape, data };
  });
  const dtype = opts.dtype ?? 'BF16';
  const files = new Map<string, Uint8Array>();
  const text = (o: unknown) => new TextEncoder().encode(JSON.stringify(o, null, 2));
  files.set('config.json', text(raw));
  files.set('generation_config.json', text({ bos_token_id: raw.bos_token_id, eos_token_id: raw.eos_token_id }));
  files.set('tokenizer.json', text(tok));
  files.set('tokenizer_config.json', text({ model_max_length: 512, eos_token: '<|endoftext|>', tokenizer_class: 'PreTrainedTokenizerFast' }));
  const plan = planShards(tensors, dtype, opts.maxShardBytes ?? Infinity);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const f of plan.files) files.set(f.file, serializeSafetensors(f.tensors.map((t) => byName.get(t.name)!), dtype));
  if (plan.index) files.set('model.safetensors.index.json', text(plan.index));
  return files;
}
