/**
 * HTTP byte ranges with the robustness a multi-GB download needs: a concurrency limit shared by a
 * source, retry with exponential backoff on network errors, truncated bodies, 5xx and 429, resume
 * (the bytes already received are kept, in the cache's partial entry, and the next request asks
 * only for the rest), progress through a TransferMeter, and the cache for completed ranges.
 * Authorization is attached only to requests whose origin is the hub's (`authHeaders`).
 */
import { AbortedError, throwIfAborted } from '../core/errors';
import { checkRange, type RangeReader } from '../core/formats/range-reader';
import type { ChunkCache, RangeKey } from './cache';
import { HttpStatusError, NetworkError } from './errors';
import type { ProgressCallback, TransferMeter } from './progress';

export type FetchFn = typeof fetch;

export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  /** Most requests ever in flight at once (tests check the limit holds). */
  peak = 0;
  constructor(readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The Authorization header for `url`, only when it is on the hub's origin. */
export function authHeaders(url: string, token: string | undefined, hubOrigin: string | undefined): Record<string, string> {
  if (!token || !hubOrigin) return {};
  return new URL(url).origin === hubOrigin ? { Authorization: `Bearer ${token}` } : {};
}

/**
 * A fetch that strips Authorization from requests to any origin but the hub's, so a library
 * calling it can never leak the token elsewhere; it also records the Hub's X-Error-Code of
 * failed responses by URL (the library's errors lose response headers).
 */
export function guardedFetch(base: FetchFn, hubOrigin: string): FetchFn & { errorCodes: Map<string, string> } {
  const errorCodes = new Map<string, string>();
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let next = init;
    if (new URL(url).origin !== hubOrigin && init?.headers) {
      const h = new Headers(init.headers);
      h.delete('authorization');
      next = { ...init, headers: h };
    }
    const resp = await base(input, next);
    const code = resp.headers.get('x-error-code');
    if (!resp.ok && code) errorCodes.set(resp.url || url, code);
    return resp;
  };
  return Object.assign(f, { errorCodes });
}

export interface RetryOptions {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}
export const DEFAULT_RETRY: RetryOptions = { retries: 4, baseDelayMs: 500, maxDelayMs: 8000 };

export interface HttpContext {
  fetch: FetchFn;
  /** Label of the source in progress events (repo id). */
  source: string;
  token?: string;
  hubOrigin?: string;
  cache?: ChunkCache;
  limiter: Limiter;
  retry: RetryOptions;
  meter: TransferMeter;
  onProgress?: ProgressCallback;
  /** Maps a non-retryable HTTP status to a typed error (hub sources map 401/403/404). */
  mapStatus?: (e: HttpStatusError, file: string) => Error;
}

const retryable = (e: unknown): boolean => !(e instanceof HttpStatusError) || e.status >= 500 || e.status === 429 || e.status === 408;

export class HttpRangeReader implements RangeReader {
  constructor(
    readonly url: string,
    readonly size: number,
    readonly file: string,
    private readonly ctx: HttpContext,
    /** Cache identity (null: do not cache, e.g. a mutable revision). */
    private readonly cacheId: { repo: string; commit: string } | null,
  ) {}

  async read(begin: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(begin, end, this.size, this.file);
    const { ctx } = this;
    const key: RangeKey | null = this.cacheId && ctx.cache ? { ...this.cacheId, file: this.file, begin, end } : null;
    const total = end - begin;
    const emit = (loaded: number, fromCache: boolean) =>
      ctx.onProgress?.({
        type: 'download',
        source: ctx.source,
        file: this.file,
        loaded,
        total,
        networkBytes: ctx.meter.networkBytes,
        cacheBytes: ctx.meter.cacheBytes,
        bytesPerSecond: ctx.meter.bytesPerSecond,
        etaSeconds: ctx.meter.eta(total - loaded),
        fromCache,
      });
    if (key) {
      const hit = await ctx.cache!.get(key);
      if (hit && hit.length === total) {
        ctx.meter.addCache(total);
        emit(total, true);
        return hit;
      }
    }
    const out = new Uint8Array(total);
    // Bytes of the range received so far; fetchInto advances it as chunks arrive, so a failure
    // mid-body keeps them.
    const st = { got: 0 };
    if (key) {
      const part = await ctx.cache!.getPartial(key);
      if (part && part.length < total) {
        out.set(part);
        st.got = part.length;
        ctx.meter.addCache(st.got);
        emit(st.got, true);
      }
    }
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      const startedAt = st.got;
      try {
        await ctx.limiter.run(() => this.fetchInto(out, begin, st, signal, (loaded) => emit(loaded, false)));
        if (st.got < total) throw new NetworkError(`${this.file}: the server sent ${st.got - startedAt} bytes and closed the connection early.`);
        if (key) {
          await ctx.cache!.put(key, out);
          await ctx.cache!.deletePartial(key);
        }
        return out;
      } catch (e) {
        if (signal?.aborted || e instanceof AbortedError) {
          if (key && st.got > 0) await ctx.cache!.putPartial(key, out.subarray(0, st.got));
          throw new AbortedError();
        }
        if (!retryable(e)) throw ctx.mapStatus && e instanceof HttpStatusError ? ctx.mapStatus(e, this.file) : e;
        if (key && st.got > startedAt) await ctx.cache!.putPartial(key, out.subarray(0, st.got));
        const reason = e instanceof Error ? e.message : String(e);
        if (attempt >= ctx.retry.retries) {
          throw new NetworkError(
            `Downloading ${this.file} of ${ctx.source} failed after ${attempt + 1} attempts (${reason}). Check the connection and load again: the ${st.got} bytes already received are kept and the download resumes from there.`,
            { source: ctx.source, file: this.file, received: st.got, total },
          );
        }
        const delayMs = Math.min(ctx.retry.maxDelayMs, ctx.retry.baseDelayMs * 2 ** attempt);
        ctx.onProgress?.({ type: 'retry', source: ctx.source, file: this.file, attempt: attempt + 1, delayMs, reason, resumeFrom: begin + st.got });
        await sleep(delayMs, signal);
      }
    }
  }

  /** One request for bytes [begin + st.got, begin + out.length), advancing st.got per chunk. */
  private async fetchInto(out: Uint8Array, begin: number, st: { got: number }, signal: AbortSignal | undefined, onBytes: (loaded: number) => void): Promise<void> {
    const from = begin + st.got;
    const to = begin + out.length;
    let resp: Response;
    try {
      resp = await this.ctx.fetch(this.url, { headers: { Range: `bytes=${from}-${to - 1}`, ...authHeaders(this.url, this.ctx.token, this.ctx.hubOrigin) }, signal });
    } catch (e) {
      if (signal?.aborted) throw new AbortedError();
      throw new NetworkError(`${this.file}: ${(e as Error).message}`);
    }
    if (resp.status !== 206 && resp.status !== 200) {
      await resp.body?.cancel().catch(() => undefined);
      throw new HttpStatusError(resp.status, resp.headers.get('x-error-code'), `${this.file}: HTTP ${resp.status}`);
    }
    // A 200 means the server ignored Range and sends the whole file: skip to `from`.
    let skip = resp.status === 200 ? from : 0;
    const reader = resp.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        let chunk = value;
        if (skip > 0) {
          const s = Math.min(skip, chunk.length);
          chunk = chunk.subarray(s);
          skip -= s;
        }
        const n = Math.min(chunk.length, out.length - st.got);
        if (n > 0) {
          out.set(chunk.subarray(0, n), st.got);
          st.got += n;
          this.ctx.meter.addNetwork(n);
          onBytes(st.got);
        }
        if (st.got >= out.length) {
          await reader.cancel().catch(() => undefined);
          break;
        }
      }
    } catch (e) {
      if (signal?.aborted) throw new AbortedError();
      // What arrived stays in `out` / st.got: the caller stores it and resumes after it.
      throw new NetworkError(`${this.file}: connection lost after ${st.got} bytes (${(e as Error).message})`);
    }
  }
}
