/**
 * Playground generation with onnxruntime-web instead of our engine, on a model exported by
 * core/onnx (input_ids [1, T] -> logits [1, T, V]). The exported graph has no KV cache, so each
 * step re-runs the whole sequence (fine for a playground's short prompts); only the last row of
 * logits is used. Sampling is the engine's (model/generate.ts sampleToken) with the same seeded
 * RNG, so when the logits agree the tokens agree. The onnxruntime module is passed in (the page
 * or worker picks the webgpu or wasm build and sets its wasm paths).
 */
import type * as Ort from 'onnxruntime-web';
import { InvalidArgumentError, throwIfAborted } from '../core/errors';
import { Rng } from '../core/rng';
import { sampleToken, type GenerateResult, type SamplingOptions } from '../model/generate';

export interface OrtGenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  stopTokens?: number[];
  signal?: AbortSignal;
  onToken?: (id: number, step: number) => void;
}

/** Logits [V] of the last position of `ids`. */
export async function ortLastLogits(ort: typeof Ort, session: Ort.InferenceSession, ids: readonly number[]): Promise<Float32Array> {
  const input = new ort.Tensor('int64', BigInt64Array.from(ids.map((t) => BigInt(t))), [1, ids.length]);
  const out = (await session.run({ input_ids: input })).logits;
  const all = (await out.getData()) as Float32Array;
  const V = out.dims[2];
  return all.slice((ids.length - 1) * V, ids.length * V);
}

export async function ortGenerate(ort: typeof Ort, session: Ort.InferenceSession, prompt: readonly number[], opts: OrtGenerateOptions): Promise<GenerateResult> {
  if (prompt.length === 0) throw new InvalidArgumentError('generation needs a prompt of at least one token');
  const rng = new Rng(opts.seed ?? 0);
  const stops = new Set(opts.stopTokens ?? []);
  const seq = [...prompt];
  const out: number[] = [];
  for (let step = 0; step < opts.maxNewTokens; step++) {
    throwIfAborted(opts.signal);
    const id = sampleToken(await ortLastLogits(ort, session, seq), opts, rng);
    out.push(id);
    seq.push(id);
    opts.onToken?.(id, step);
    if (stops.has(id)) return { tokens: out, stopped: 'stop_token' };
  }
  return { tokens: out, stopped: 'max_tokens' };
}
