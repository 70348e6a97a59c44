/**
 * Text generation for the playground: prefill the prompt into a KV cache, then one token per
 * step, greedy or sampled (temperature, then top-k, then top-p / nucleus over the renormalised
 * distribution, as in transformers' sampling order), seeded through core/rng so a seed
 * reproduces a continuation exactly. Only one row of logits [V] is read back per step.
 */
import type { BackendTensor } from '../core/backend';
import { InvalidArgumentError, throwIfAborted } from '../core/errors';
import { Rng } from '../core/rng';
import type { ForwardOptions, Transformer } from './transformer';

export interface SamplingOptions {
  /** 0 (or greedy: true) picks the arg max. */
  temperature?: number;
  greedy?: boolean;
  /** Keep the k most likely tokens (0 = all). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 = all). */
  topP?: number;
  seed?: number;
}

export interface GenerateOptions<T extends BackendTensor> extends SamplingOptions {
  maxNewTokens: number;
  stopTokens?: number[];
  signal?: AbortSignal;
  onToken?: (id: number, step: number) => void;
  forward?: ForwardOptions<T>;
}

export interface GenerateResult {
  /** The new tokens (without the prompt). */
  tokens: number[];
  stopped: 'stop_token' | 'max_tokens';
}

export function argmax(x: Float32Array): number {
  let b = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[b]) b = i;
  return b;
}

/** Choose the next token from logits [V] with the given options. */
export function sampleToken(logits: Float32Array, opts: SamplingOptions, rng: Rng): number {
  const t = opts.temperature ?? 1;
  if (opts.greedy || t <= 0) return argmax(logits);
  const v = logits.length;
  const idx = Array.from({ length: v }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  const k = opts.topK && opts.topK > 0 ? Math.min(opts.topK, v) : v;
  const mx = logits[idx[0]] / t;
  const p = new Float64Array(k);
  let z = 0;
  for (let i = 0; i < k; i++) {
    p[i] = Math.exp(logits[idx[i]] / t - mx);
    z += p[i];
  }
  const topP = opts.topP ?? 1;
  let keep = k;
  if (topP < 1) {
    let c = 0;
    for (let i = 0; i < k; i++) {
      c += p[i] / z;
      if (c >= topP) {
        keep = i + 1;
        break;
      }
    }
  }
  let zk = 0;
  for (let i = 0; i < keep; i++) zk += p[i];
  let u = rng.next() * zk;
  for (let i = 0; i < keep; i++) {
    u -= p[i];
    if (u < 0) return idx[i];
  }
  return idx[keep - 1];
}

export async function generate<T extends BackendTensor>(
  model: Transformer<T>, prompt: Int32Array, opts: GenerateOptions<T>,
): Promise<GenerateResult> {
  if (prompt.length === 0) throw new InvalidArgumentError('generation needs a prompt of at least one token');
  const rng = new Rng(opts.seed ?? 0);
  const stops = new Set(opts.stopTokens ?? []);
  const cache = model.newCache();
  const out: number[] = [];
  try {
    let input = prompt;
    for (let step = 0; step < opts.maxNewTokens; step++) {
      throwIfAborted(opts.signal);
      const logits = await model.nextLogits(input, cache, opts.forward);
      const id = sampleToken(logits, opts, rng);
      out.push(id);
      opts.onToken?.(id, step);
      if (stops.has(id)) return { tokens: out, stopped: 'stop_token' };
      input = Int32Array.of(id);
    }
    return { tokens: out, stopped: 'max_tokens' };
  } finally {
    model.releaseCache(cache);
  }
}
