/**
 * A typed RPC over a MessagePort-like channel (a Worker, a MessagePort, or a Node
 * MessageChannel in tests). The API is a map from request kind to {params, result, progress};
 * the client gets typed calls with progress callbacks and AbortSignal cancellation, and errors
 * thrown in the worker arrive as instances of their own class (see core/errors rehydrateError).
 */
import { AbortedError, rehydrateError, serializeError, type SerializedError } from '../core/errors';

export interface Endpoint {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent) => void): void;
  removeEventListener(type: 'message', fn: (ev: MessageEvent) => void): void;
  start?(): void;
}

/** One entry per request kind. */
export interface RpcMethod {
  params: unknown;
  result: unknown;
  progress: unknown;
}
/** A map from request kind to its types (an interface without an index signature is fine). */
export type RpcApi<A> = { [K in keyof A]: RpcMethod };

type Msg =
  | { t: 'call'; id: number; kind: string; params: unknown }
  | { t: 'cancel'; id: number }
  | { t: 'progress'; id: number; event: unknown }
  | { t: 'result'; id: number; result: unknown }
  | { t: 'error'; id: number; error: SerializedError };

export interface CallOptions<P> {
  signal?: AbortSignal;
  onProgress?: (event: P) => void;
  transfer?: Transferable[];
}

export interface HandlerContext<P> {
  signal: AbortSignal;
  progress: (event: P) => void;
}

export type Handlers<A extends RpcApi<A>> = {
  [K in keyof A]: (params: A[K]['params'], ctx: HandlerContext<A[K]['progress']>) => Promise<A[K]['result']>;
};

export class RpcClient<A extends RpcApi<A>> {
  private nextId = 1;
  private readonly pending = new Map<number, {
    resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (e: unknown) => void;
  }>();

  constructor(private readonly port: Endpoint) {
    port.addEventListener('message', this.onMessage);
    port.start?.();
  }

  private readonly onMessage = (ev: MessageEvent): void => {
    const m = ev.data as Msg;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.t === 'progress') p.onProgress?.(m.event);
    else if (m.t === 'result') {
      this.pending.delete(m.id);
      p.resolve(m.result);
    } else if (m.t === 'error') {
      this.pending.delete(m.id);
      p.reject(rehydrateError(m.error));
    }
  };

  call<K extends keyof A & string>(
    kind: K, params: A[K]['params'], opts: CallOptions<A[K]['progress']> = {},
  ): Promise<A[K]['result']> {
    const id = this.nextId++;
    if (opts.signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject, onProgress: opts.onProgress });
      opts.signal?.addEventListener('abort', () => this.port.postMessage({ t: 'cancel', id } satisfies Msg), { once: true });
      this.port.postMessage({ t: 'call', id, kind, params } satisfies Msg, opts.transfer ?? []);
    });
  }

  dispose(): void {
    this.port.removeEventListener('message', this.onMessage);
    for (const p of this.pending.values()) p.reject(new AbortedError('The engine was shut down.'));
    this.pending.clear();
  }
}

/** Serve `handlers` on `port`. Returns a function that stops serving. */
export function serveRpc<A extends RpcApi<A>>(port: Endpoint, handlers: Partial<Handlers<A>>): () => void {
  const running = new Map<number, AbortController>();
  const onMessage = (ev: MessageEvent): void => {
    const m = ev.data as Msg;
    if (m.t === 'cancel') {
      running.get(m.id)?.abort();
      return;
    }
    if (m.t !== 'call') return;
    const ac = new AbortController();
    running.set(m.id, ac);
    const handler = (handlers as Record<string, unknown>)[m.kind] as ((p: unknown, c: HandlerContext<unknown>) => Promise<unknown>) | undefined;
    const ctx: HandlerContext<unknown> = {
      signal: ac.signal,
      progress: (event) => port.postMessage({ t: 'progress', id: m.id, event } satisfies Msg),
    };
    // An async wrapper so that a handler that throws synchronously still answers with an error.
    const run = (async () => {
      if (!handler) throw new Error(`Unknown engine request "${m.kind}"`);
      return handler(m.params, ctx);
    })();
    run.then(
      (result) => port.postMessage({ t: 'result', id: m.id, result } satisfies Msg),
      (err: unknown) => port.postMessage({ t: 'error', id: m.id, error: serializeError(ac.signal.aborted ? new AbortedError() : err) } satisfies Msg),
    ).finally(() => running.delete(m.id));
  };
  port.addEventListener('message', onMessage);
  port.start?.();
  return () => port.removeEventListener('message', onMessage);
}
