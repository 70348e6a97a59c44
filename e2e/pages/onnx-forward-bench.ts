/**
 * Forward-pass benchmark: our engine on WebGPU against onnxruntime-web (webgpu and wasm
 * providers) on the same model, exported with src/core/onnx, in the same page and on the same
 * adapter. Figure: tokens/s of one full forward pass over `seqLen` tokens (logits [T, V] read
 * back to the CPU on both sides). What a timed run includes:
 *   ours: Transformer.logits with every layer resident (keepLayers), i.e. embedding, all layers,
 *         LM head, readback; weights uploaded once during warm-up.
 *   ORT:  session.run with input_ids as a CPU tensor and the logits returned as a CPU tensor;
 *         the session (weights on its device) is created once, outside the timing.
 * Both outputs are checked against each other (max abs diff <= 1e-3) before timing.
 * Registration: `forwardOrtBenchmarks(...)` returns {name, unit, run} objects structurally equal
 * to the harness's Benchmark (bench/harness/registry.ts); bench/forward-ort.mjs re-exports this
 * module for the harness. `syntheticMoe` makes a seeded Qwen2-MoE-shaped model of a chosen size
 * when no real export is at hand. e2e/pages/onnx-bench.html runs it standalone.
 */
import type * as Ort from 'onnxruntime-web';
import { exportOnnx } from '../../src/core/onnx/transformer-graph';
import { hfTensorPlan } from '../../src/core/export/hf-tensors';
import { Rng } from '../../src/core/rng';
import type { GpuContext } from '../../src/gpu/context';
import { WebGpuBackend } from '../../src/gpu/webgpu-backend';
import type { ModelConfig } from '../../src/model/config';
import { Transformer } from '../../src/model/transformer';
import { MemoryWeights, type HostTensor, type WeightProvider } from '../../src/model/weights';

export interface ForwardMeasurement {
  ours: number;
  peer: number | null;
  peerName: string;
  note?: string;
}

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

async function medianMs(fn: () => Promise<void>, runs: number): Promise<number> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1];
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
    const tokens = Array.from({ length: T }, (_, i) => (i * 7919 + 13) % model.weights.config.vocabSize);
    let onnx: Promise<Uint8Array> | null = null;
    let oursTps: Promise<{ tps: number; logits: Float32Array }> | null = null;
    const measureOurs = async (): Promise<{ tps: number; logits: Float32Array }> => {
      const tf = new Transformer(new WebGpuBackend(opts.ctx), model.weights, { keepLayers: true });
      try {
        const ids = Int32Array.from(tokens);
        const logits = (await tf.logits(ids)).logits;
        const ms = await medianMs(async () => void (await tf.logits(ids)), runs);
        return { tps: (T * 1000) / ms, logits };
      } finally {
        tf.dispose();
      }
    };
    for (const peer of opts.peers) {
      out.push({
        name: `forward ${model.name} T=${T} vs ${peer.provider}`,
        unit: 'tokens/s',
        run: async () => {
          onnx ??= exportOnnx(model.weights, { maxPositions: T });
          oursTps ??= measureOurs();
          const ours = await oursTps;
          const session = await peer.ort.InferenceSession.create(await onnx, { executionProviders: [peer.provider] });
          try {
            const feeds = { input_ids: new peer.ort.Tensor('int64', BigInt64Array.from(tokens.map((t) => BigInt(t))), [1, T]) };
            const check = (await (await session.run(feeds)).logits.getData()) as Float32Array;
            let diff = 0;
            for (let i = 0; i < check.length; i++) diff = Math.max(diff, Math.abs(check[i] - ours.logits[i]));
            if (!(diff <= 1e-3)) throw new Error(`${peer.label} and our engine disagree: max |logit diff| ${diff}`);
            const ms = await medianMs(async () => void (await (await session.run(feeds)).logits.getData()), runs);
            return {
              ours: ours.tps,
              peer: (T * 1000) / ms,
              peerName: peer.label,
              note: `same exported model; logits read back on both sides; max |diff| ${diff.toExponential(1)}`,
            };
          } finally {
            await session.release();
          }
        },
      });
    }
  }
  return out;
}
