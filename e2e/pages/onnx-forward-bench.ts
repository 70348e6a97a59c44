/**
 * Forward-pass benchmark: our engine on WebGPU against onnxruntime-web (webgpu and wasm
 * providers) on the same model, exported with src/core/onnx, in the same page and on the same
 * adapter, on the same T tokens. Two phases, each one row per ORT provider (the faster
 * provider's label says so):
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
import { exportOnnx } from '../../src/core/onnx/transformer-graph';
import { hfTensorPlan } from '../../src/core/export/hf-tensors';
import { Rng } from '../../src/core/rng';
import type { GpuTensor } from '../../src/gpu/buffers';
import type { GpuContext } from '../../src/gpu/context';
import { WebGpuBackend } from '../../src/gpu/webgpu-backend';
import type { ModelConfig } from '../../src/model/config';
import type { KvCache } from '../../src/model/layer';
import { Transformer } from '../../src/model/transformer';
import { MemoryWeights, type HostTensor, type WeightProvider } from '../../src/model/weights';

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
  run(): Promise<ForwardMeasurement>;
}

export interface OrtPeer {
  ort: typeof Ort;
  provider: 'webgpu' | 'wasm';
  label: string;
}

export interface ForwardOrtOptions {
  ctx: GpuContext;
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

const noSetup = (): Promise<null> => Promise.resolve(null);

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
  prefillWork: Work;
  decodeWork: Work;
}

async function countWork(ctx: GpuContext, fn: () => Promise<unknown>): Promise<Work> {
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

/** A seeded Qwen2-MoE-shaped model (no shared expert) for benchmarking; tied embeddings. */
export function syntheticMoe(size: { hidden: number; layers: number; heads: number; kvHeads: number; inter: number; experts: number; topK: number; vocab: number }, seed = 1): MemoryWeights {
  const cfg: ModelConfig = {
    modelType: 'qwen2_moe', vocabSize: size.vocab, hiddenSize: size.hidden, intermediateSize: size.inter, numLayers: size.layers,
    numHeads: size.heads, numKvHeads: size.kvHeads, headDim: size.hidden / size.heads, rmsNormEps: 1e-6, ropeTheta: 10000,
    ropeScaling: { type: 'default' }, tieWordEmbeddings: true, attentionBias: true, slidingWindow: null,
    moe: {
      numExperts: size.experts, topK: size.topK, normTopkProb: false, expertIntermediateSize: size.inter,
      sharedExpertIntermediateSize: 0, sparseLayers: Array<boolean>(size.layers).fill(true),
    },
  };
  const rng = new Rng(seed);
  const m = new Map<string, HostTensor>();
  for (const t of hfTensorPlan(cfg)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const data = t.shape.length === 1 && t.name.endsWith('norm.weight') ? new Float32Array(n).fill(1) : rng.normalArray(n, 1 / Math.sqrt(t.shape[t.shape.length - 1]));
    m.set(t.name, { data, shape: t.shape });
  }
  return new MemoryWeights(cfg, m);
}

export function forwardOrtBenchmarks(opts: ForwardOrtOptions): ForwardBenchmark[] {
  const T = opts.seqLen ?? 64;
  const runs = opts.runs ?? 5;
  const out: ForwardBenchmark[] = [];
  for (const model of opts.models) {
    const V = model.weights.config.vocabSize;
    const tokens = Array.from({ length: T }, (_, i) => (i * 7919 + 13) % V);
    const ids = Int32Array.from(tokens);
    const measureOurs = async (): Promise<OursFigures> => {
      const tf = new Transformer(new WebGpuBackend(opts.ctx), model.weights, { keepLayers: true });
      try {
        const logits = (await tf.logits(ids)).logits;
        const prefillMs = await medianMs(async () => void (await tf.logits(ids)), runs, noSetup);
        // Decode: T - 1 tokens prefilled into a fresh cache (untimed), then the last token.
        const context = ids.subarray(0, T - 1);
        const last = ids.subarray(T - 1);
        const prefilled = async (): Promise<KvCache<GpuTensor>> => {
          const cache = tf.newCache();
          if (context.length > 0) await tf.nextLogits(context, cache);
          return cache;
        };
        let lastLogits: Float32Array = new Float32Array(0);
        const decodeMs = await medianMs(
          async (cache) => void (lastLogits = await tf.nextLogits(last, cache)),
          Math.max(runs, 9), prefilled, (cache) => tf.releaseCache(cache),
        );
        const prefillWork = await countWork(opts.ctx, () => tf.logits(ids));
        const cache = await prefilled();
        const decodeWork = await countWork(opts.ctx, () => tf.nextLogits(last, cache));
        tf.releaseCache(cache);
        return { prefillTps: (T * 1000) / prefillMs, logits, decodeTps: 1000 / decodeMs, lastLogits, prefillWork, decodeWork };
      } finally {
        tf.dispose();
      }
    };
    const measurePeer = async (peer: OrtPeer, onnx: Uint8Array, ours: OursFigures): Promise<PeerFigures> => {
      const session = await peer.ort.InferenceSession.create(onnx, { executionProviders: [peer.provider] });
      try {
        const feeds = { input_ids: new peer.ort.Tensor('int64', BigInt64Array.from(tokens.map((t) => BigInt(t))), [1, T]) };
        const check = (await (await session.run(feeds)).logits.getData()) as Float32Array;
        const prefillDiff = maxAbsDiff(check, ours.logits);
        const decodeDiff = maxAbsDiff(check.subarray((T - 1) * V), ours.lastLogits);
        if (!(prefillDiff <= 1e-3) || !(decodeDiff <= 1e-3)) {
          throw new Error(`${peer.label} and our engine disagree: max |logit diff| ${prefillDiff} (all rows), ${decodeDiff} (decoded row)`);
        }
        const ms = await medianMs(async () => void (await (await session.run(feeds)).logits.getData()), runs, noSetup);
        return { tps: (T * 1000) / ms, prefillDiff, decodeDiff };
      } finally {
        await session.release();
      }
    };
    // Everything is measured once per model (ours first, then each peer), shared by its rows.
    let all: Promise<{ ours: OursFigures; peers: PeerFigures[] }> | null = null;
    const measureAll = async (): Promise<{ ours: OursFigures; peers: PeerFigures[] }> => {
      const onnx = await exportOnnx(model.weights, { maxPositions: T });
      const ours = await measureOurs();
      const peers: PeerFigures[] = [];
      for (const peer of opts.peers) {
        peers.push(await measurePeer(peer, onnx, ours).catch((e: unknown) => ({ tps: null, error: String(e), prefillDiff: NaN, decodeDiff: NaN })));
      }
      return { ours, peers };
    };
    for (const phase of ['prefill', 'decode'] as const) {
      opts.peers.forEach((peer, i) => {
        out.push({
          name: `forward ${model.name} ${phase} T=${T} vs ${peer.provider}`,
          unit: 'tokens/s',
          run: async () => {
            const { ours, peers } = await (all ??= measureAll());
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
                ...Object.fromEntries(Object.entries(phase === 'prefill' ? ours.prefillWork : ours.decodeWork).map(([k, v]) => [`ours_${k}`, v])),
              },
            };
          },
        });
      });
    }
  }
  return out;
}
