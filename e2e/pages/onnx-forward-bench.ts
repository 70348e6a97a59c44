/**
 * Forward-pass benchmark: our engine (on each backend given, WebGPU by default) against
 * onnxruntime-web (webgpu and wasm providers) on the same model, exported with src/core/onnx, in
 * the same page and on the same adapter, on the same T tokens. Two phases, each one row per
 * engine and ORT provider (the faster provider's label says so):
 *   prefill: tokens/s of one forward pass over all T tokens, logits [T, V] read back on both
 *            sides. Ours: Transformer.logits with every layer resident (keepLayers); ORT:
 *            session.run with input_ids as a CPU tensor, logits returned as a CPU tensor.
 *   decode:  tokens/s of producing the next-token logits at position T - 1 given the T - 1
 *            tokens before it. Ours: the T - 1 tokens are prefilled into a KV cache outside the
 *            timing, then one token's forward (Transformer.nextLogits, one row of logits read
 *            back). ORT: the export has no KV cache, so one decoded token costs a forward over
 *            all T tokens, which is the prefill run: its time is reused, not measured twice.
 * Weights are uploaded (ours) and the session created (ORT) once, outside the timing. Both
 * outputs are checked against each other (max abs diff <= 1e-3) before timing: all T rows for
 * prefill, the last row for decode.
 * Registration: `forwardOrtBenchmarks(...)` returns {name, unit, run} objects structurally equal
 * to the harness's Benchmark (bench/harness/registry.ts); bench/forward-ort.mjs re-exports this
 * module for the harness. `syntheticMoe` makes a seeded Qwen2-MoE-shaped model of a chosen size
 * when no real export is at hand. e2e/pages/onnx-bench.html runs it standalone.
 */
import type * as Ort from 'onnxruntime-web';
import type { BackendTensor, ComputeBackend } from '../../src/core/backend';
import { exportOnnx } from '../../src/core/onnx/transformer-graph';
import type { GpuContext } from '../../src/gpu/context';
import { WebGpuBackend } from '../../src/gpu/webgpu-backend';
import type { KvCache } from '../../src/model/layer';
import { Transformer } from '../../src/model/transformer';
import type { WeightProvider } from '../../src/model/weights';

export { syntheticMoe } from '../../src/model/testing/synthetic-moe';

export interface ForwardMeasurement {
  ours: number;
  peer: number | null;
  peerName: string;
  note?: string;
  details?: Record<string, number | string | boolean | null>;
}

export type ForwardPhase = 'prefill' | 'decode';

export interface ForwardBenchmark {
  name: string;
  unit: 'tokens/s';
  /** Which of our engines (its label) and which phase the row measures. */
  engine: string;
  phase: ForwardPhase;
  run(): Promise<ForwardMeasurement>;
}

export interface OrtPeer {
  ort: typeof Ort;
  provider: 'webgpu' | 'wasm';
  label: string;
}

/** One of our engines: the Transformer on a backend (`ctx` when it is WebGPU: device counters). */
export interface OurEngine {
  label: string;
  backend: () => Promise<ComputeBackend<BackendTensor>>;
  ctx?: GpuContext;
}

/** Our engine on WebGPU (the default engine, and a row of its own beside a CPU one). */
export function webgpuEngine(ctx: GpuContext): OurEngine {
  return { label: 'WebGPU', backend: () => Promise.resolve(new WebGpuBackend(ctx) as unknown as ComputeBackend<BackendTensor>), ctx };
}

export interface ForwardOrtOptions {
  ctx: GpuContext;
  /** Our engines to time (default: WebGPU on ctx); rows are made for each. */
  engines?: OurEngine[];
  peers: OrtPeer[];
  models: { name: string; weights: WeightProvider }[];
  seqLen?: number;
  /** Timed runs per side (median taken); default 5 after 1 warm-up. */
  runs?: number;
}

/** Median ms of `timed` over `runs` runs after one warm-up; `setup` runs untimed before each. */
async function medianMs<S>(timed: (s: S) => Promise<void>, runs: number, setup: () => Promise<S>, teardown: (s: S) => void = () => {}): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const s = await setup();
    try {
      const t0 = performance.now();
      await timed(s);
      if (i > 0) xs.push(performance.now() - t0);
    } finally {
      teardown(s);
    }
  }
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1];
}

type Timed = () => Promise<void>;

/** Median ms of each runner over `rounds` rounds of one run each, after one warm-up round. */
async function interleavedMedians(runners: (Timed | null)[], rounds: number): Promise<(number | null)[]> {
  const xs: number[][] = runners.map(() => []);
  for (let r = 0; r <= rounds; r++) {
    for (const [i, run] of runners.entries()) {
      if (!run) continue;
      const t0 = performance.now();
      await run();
      if (r > 0) xs[i].push(performance.now() - t0);
    }
  }
  return xs.map((x) => (x.length ? x.sort((a, b) => a - b)[x.length >> 1] : null));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** What one of our forward passes sent to the device (GpuContext counters, pool misses). */
type Work = Record<'dispatches' | 'submits' | 'readbacks' | 'small_buffers' | 'pool_misses', number>;

interface OursFigures {
  prefillTps: number;
  logits: Float32Array;
  decodeTps: number;
  lastLogits: Float32Array;
  prefillWork: Work | null;
  decodeWork: Work | null;
}

async function countWork(ctx: GpuContext | undefined, fn: () => Promise<unknown>): Promise<Work | null> {
  if (!ctx) return null;
  const snap = (): Work => ({
    dispatches: ctx.counters.dispatches, submits: ctx.counters.submits, readbacks: ctx.counters.readbacks,
    small_buffers: ctx.counters.smallBuffers, pool_misses: ctx.pool.misses,
  });
  const a = snap();
  await fn();
  const b = snap();
  return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - a[k as keyof Work]])) as Work;
}

interface PeerFigures {
  /** tokens/s of the T-token forward, or the error that stopped it. */
  tps: number | null;
  error?: string;
  prefillDiff: number;
  decodeDiff: number;
}

export function forwardOrtBenchmarks(opts: ForwardOrtOptions): ForwardBenchmark[] {
  const T = opts.seqLen ?? 64;
  const runs = opts.runs ?? 5;
  const out: ForwardBenchmark[] = [];
  const engines = opts.engines ?? [webgpuEngine(opts.ctx)];
  for (const model of opts.models) {
    const V = model.weights.config.vocabSize;
    const tokens = Array.from({ length: T }, (_, i) => (i * 7919 + 13) % V);
    const ids = Int32Array.from(tokens);
    // Every side is set up and checked first; then the prefill runs are timed in interleaved
    // rounds (one run of each side per round, after a warm-up round), so that changes in the
    // machine's load while the row is measured reach every side alike.
    const measureAll = async (): Promise<{ ours: OursFigures[]; peers: PeerFigures[] }> => {
      const onnx = await exportOnnx(model.weights, { maxPositions: T });
      const models: Transformer<BackendTensor>[] = [];
      const sessions: (Ort.InferenceSession | null)[] = [];
      try {
        const ours: OursFigures[] = [];
        const context = ids.subarray(0, T - 1);
        const last = ids.subarray(T - 1);
        for (const engine of engines) {
          const tf = new Transformer(await engine.backend(), model.weights, { keepLayers: true });
          models.push(tf);
          const logits = (await tf.logits(ids)).logits;
          // Decode: T - 1 tokens prefilled into a fresh cache (untimed), then the last token.
          const prefilled = async (): Promise<KvCache<BackendTensor>> => {
            const cache = tf.newCache();
            if (context.length > 0) await tf.nextLogits(context, cache);
            return cache;
          };
          let lastLogits: Float32Array = new Float32Array(0);
          const decodeMs = await medianMs(
            async (cache) => void (lastLogits = await tf.nextLogits(last, cache)),
            Math.max(runs, 9), prefilled, (cache) => tf.releaseCache(cache),
          );
          const prefillWork = await countWork(engine.ctx, () => tf.logits(ids));
          const cache = await prefilled();
          const decodeWork = await countWork(engine.ctx, () => tf.nextLogits(last, cache));
          tf.releaseCache(cache);
          ours.push({ prefillTps: NaN, logits, decodeTps: 1000 / decodeMs, lastLogits, prefillWork, decodeWork });
        }
        const peers: PeerFigures[] = [];
        const feeds: Record<string, Ort.Tensor>[] = [];
        for (const peer of opts.peers) {
          const f = { input_ids: new peer.ort.Tensor('int64', BigInt64Array.from(tokens.map((t) => BigInt(t))), [1, T]) };
          feeds.push(f);
          let session: Ort.InferenceSession | null = null;
          try {
            session = await peer.ort.InferenceSession.create(onnx, { executionProviders: [peer.provider] });
            const check = (await (await session.run(f)).logits.getData()) as Float32Array;
            const prefillDiff = Math.max(...ours.map((o) => maxAbsDiff(check, o.logits)));
            const decodeDiff = Math.max(...ours.map((o) => maxAbsDiff(check.subarray((T - 1) * V), o.lastLogits)));
            if (!(prefillDiff <= 1e-3) || !(decodeDiff <= 1e-3)) {
              throw new Error(`${peer.label} and our engine disagree: max |logit diff| ${prefillDiff} (all rows), ${decodeDiff} (decoded row)`);
            }
            peers.push({ tps: NaN, prefillDiff, decodeDiff });
            sessions.push(session);
          } catch (e) {
            await session?.release(); // a peer that disagrees or fails is not timed
            sessions.push(null);
            peers.push({ tps: null, error: String(e), prefillDiff: NaN, decodeDiff: NaN });
          }
        }
        const runners: (Timed | null)[] = [
          ...models.map((tf) => async () => void (await tf.logits(ids))),
          ...sessions.map((session, i) => (session ? async () => void (await (await session.run(feeds[i])).logits.getData()) : null)),
        ];
        const ms = await interleavedMedians(runners, runs);
        ours.forEach((o, i) => (o.prefillTps = (T * 1000) / (ms[i] ?? NaN)));
        peers.forEach((p, i) => {
          const m = ms[models.length + i];
          if (p.tps !== null && m !== null) p.tps = (T * 1000) / m;
        });
        return { ours, peers };
      } finally {
        for (const tf of models) tf.dispose();
        for (const session of sessions) await session?.release();
      }
    };
    let all: Promise<{ ours: OursFigures[]; peers: PeerFigures[] }> | null = null;
    for (const [ei, engine] of engines.entries()) for (const phase of ['prefill', 'decode'] as const) {
      opts.peers.forEach((peer, i) => {
        out.push({
          name: `forward ${model.name} ${phase} T=${T} ${engine.label} vs ${peer.provider}`,
          unit: 'tokens/s',
          engine: engine.label,
          phase,
          run: async () => {
            const measured = await (all ??= measureAll());
            const ours = measured.ours[ei];
            const peers = measured.peers;
            const mine = peers[i];
            if (mine.tps === null) throw new Error(mine.error ?? `${peer.label} failed`);
            const fastest = Math.max(...peers.map((p) => p.tps ?? 0));
            const faster = peers.filter((p) => p.tps !== null).length > 1 && mine.tps === fastest;
            // ORT has no KV cache: a decoded token costs the same T-token forward as prefill.
            const peerTps = phase === 'prefill' ? mine.tps : mine.tps / T;
            const oursTps = phase === 'prefill' ? ours.prefillTps : ours.decodeTps;
            return {
              ours: oursTps,
              peer: peerTps,
              peerName: faster ? `${peer.label} (faster)` : peer.label,
              note: `same exported model and tokens; max |diff| ${(phase === 'prefill' ? mine.prefillDiff : mine.decodeDiff).toExponential(1)}`,
              details: {
                phase,
                max_abs_logit_diff: phase === 'prefill' ? mine.prefillDiff : mine.decodeDiff,
                ratio_vs_faster_ort: oursTps / (phase === 'prefill' ? fastest : fastest / T),
                faster_ort: faster,
                ours_engine: engine.label,
                ...Object.fromEntries(Object.entries((phase === 'prefill' ? ours.prefillWork : ours.decodeWork) ?? {}).map(([k, v]) => [`ours_${k}`, v])),
              },
            };
          },
        });
      });
    }
  }
  return out;
}
