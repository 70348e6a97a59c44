/**
 * Per-domain perplexity, one definition used everywhere in the studio:
 *
 *   A domain's evaluation text is a token stream s (already tokenised; no BOS is added here).
 *   It is cut into consecutive non-overlapping windows of W = windowLength tokens; a final
 *   partial window is kept when it has at least 2 tokens. Each window is an independent
 *   sequence (positions restart at 0, no context carried over). In a window w of n tokens the
 *   n - 1 next-token predictions are scored: nll_i = -ln p(w[i+1] | w[0..i]), i = 0..n-2.
 *   The domain's NLL is the token-weighted mean over all scored predictions of all windows,
 *   meanNll = (sum of nll_i) / (number of scored predictions), in nats; perplexity =
 *   exp(meanNll). Windows are evaluated in batches (independent sequences in one forward).
 *
 * Windows never overlap, so every token after the first of its window is scored exactly once;
 * results depend on W (shorter windows give less context), which is therefore always reported.
 */
import type { BackendTensor } from '../core/backend';
import { InvalidArgumentError, throwIfAborted } from '../core/errors';
import type { Transformer } from './transformer';

export interface EvalDomain {
  name: string;
  tokens: Int32Array;
}

export interface PerplexityOptions {
  windowLength: number;
  /** Windows per forward pass (bounded memory: rows = windowsPerBatch * windowLength). */
  windowsPerBatch?: number;
  /** Evaluate at most this many windows per domain (from the start). */
  maxWindows?: number;
  vocabChunk?: number;
  signal?: AbortSignal;
  onProgress?: (domain: string, windowsDone: number, windowsTotal: number) => void;
}

export interface DomainPerplexity {
  domain: string;
  windowLength: number;
  windows: number;
  /** Number of scored predictions. */
  tokens: number;
  /** Token-weighted mean NLL in nats. */
  meanNll: number;
  perplexity: number;
}

/** The windows of a token stream, as defined above. */
export function evalWindows(tokens: Int32Array, windowLength: number, maxWindows = Infinity): Int32Array[] {
  if (!Number.isInteger(windowLength) || windowLength < 2) throw new InvalidArgumentError(`windowLength must be an integer >= 2, got ${windowLength}`);
  const out: Int32Array[] = [];
  for (let s = 0; s + 2 <= tokens.length && out.length < maxWindows; s += windowLength) {
    out.push(tokens.subarray(s, Math.min(tokens.length, s + windowLength)));
  }
  return out;
}

export async function perplexity<T extends BackendTensor>(
  model: Transformer<T>, domains: EvalDomain[], opts: PerplexityOptions,
): Promise<DomainPerplexity[]> {
  const per = Math.max(1, opts.windowsPerBatch ?? 8);
  const results: DomainPerplexity[] = [];
  for (const d of domains) {
    const windows = evalWindows(d.tokens, opts.windowLength, opts.maxWindows);
    let sum = 0;
    let count = 0;
    for (let b = 0; b < windows.length; b += per) {
      throwIfAborted(opts.signal);
      const batch = windows.slice(b, b + per);
      const nll = await model.nll(batch, { signal: opts.signal, vocabChunk: opts.vocabChunk });
      for (const row of nll) {
        for (let i = 0; i + 1 < row.length; i++) {
          sum += row[i];
          count++;
        }
      }
      opts.onProgress?.(d.name, Math.min(windows.length, b + per), windows.length);
    }
    const meanNll = count > 0 ? sum / count : NaN;
    results.push({ domain: d.name, windowLength: opts.windowLength, windows: windows.length, tokens: count, meanNll, perplexity: Math.exp(meanNll) });
  }
  return results;
}
