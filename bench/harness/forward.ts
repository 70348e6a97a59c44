/**
 * Forward rows (Chromium): tokens/s of our engine against onnxruntime-web's webgpu and
 * wasm providers on the same ONNX export of the same seeded Qwen2-MoE and the same tokens, for
 * prefill (one forward over T tokens) and decode (one token after T - 1; ours with its KV cache,
 * ORT without one since the export has none); the measuring code is
 * e2e/pages/onnx-forward-bench.ts. Our engine runs on the backend the studio picks for this
 * adapter (`preferSimdCpu`: the WebAssembly SIMD CPU backend on a software adapter, WebGPU on a
 * hardware one); those rows carry the target. When that is not WebGPU, the WebGPU engine's rows
 * follow, marked `[WebGPU engine]`. Plus one row per model
 * with our forward pass's achieved GFLOP/s (src/model/flops.ts forwardFlops: matrix and
 * attention products, the sparse top-k expert path, LM head) as a fraction of our own matmul's
 * GFLOP/s on the same adapter in the same run (`matmul A@B^T 256^3`, the [out, in] weight
 * layout; taken from the matmul rows when they ran, else measured here).
 */
import {
  forwardOrtBenchmarks,
  syntheticMoe,
  webgpuEngine,
  type OrtPeer,
  type OurEngine,
} from '../../e2e/pages/onnx-forward-bench';
import { preferSimdCpu, SimdCpuBackend, simdKernelName } from '../../src/core/simd/simd-backend';
import type { GpuContext } from '../../src/gpu/context';
import { ALL_PIPELINES } from '../../src/gpu/kernels';
import { forwardFlops } from '../../src/model/flops';
import type { WeightProvider } from '../../src/model/weights';
import { measureOurs, shapeName, timingFor, type MatmulShape } from './matmul';
import type { Benchmark, Measurement } from './registry';

export interface ForwardModel {
  name: string;
  weights: WeightProvider;
  seqLen: number;
}

/** The default models: a small one (overhead-bound) and a medium one (matmul-bound). */
export function defaultForwardModels(): ForwardModel[] {
  const small = {
    hidden: 128,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    inter: 256,
    experts: 4,
    topK: 2,
    vocab: 1024,
  };
  const medium = {
    hidden: 256,
    layers: 4,
    heads: 8,
    kvHeads: 2,
    inter: 512,
    experts: 8,
    topK: 2,
    vocab: 4096,
  };
  return [
    { name: 'moe-h128-L2-E4', weights: syntheticMoe(small, 1), seqLen: 32 },
    { name: 'moe-h256-L4-E8', weights: syntheticMoe(medium, 2), seqLen: 64 },
  ];
}

const PHASE_NOTES = {
  prefill:
    'prefill: one forward over all T tokens, logits [T, V] read back on both sides; same ONNX export, same tokens; outputs agree (max |diff| <= 1e-3)',
  decode:
    'decode: ours = one token after T - 1 tokens held in our KV cache, one row of logits read back; ORT = no KV cache in the export, so a decoded token costs a forward over all T tokens (the prefill run, not re-timed); that row agrees (max |diff| <= 1e-3)',
};

export const FRACTION_REF: MatmulShape = { M: 256, K: 256, N: 256, transB: true };

/** The bench note naming the engine the target rows measure on this adapter. */
export function forwardEngineNote(ctx: GpuContext): string {
  if (!preferSimdCpu(ctx.caps)) return 'forward rows: our engine on WebGPU (hardware adapter)';
  return `forward rows: our engine on ${simdKernelName()}, the studio's choice on this software adapter; rows marked [WebGPU engine] run it on the adapter`;
}

/** GFLOP/s of the SIMD CPU backend's linear on FRACTION_REF (median of 7 after a warm-up). */
async function simdMatmulGflops(be: SimdCpuBackend): Promise<number> {
  const { M, K, N } = FRACTION_REF;
  const x = await be.upload(new Float32Array(M * K).fill(0.5), [M, K]);
  const w = await be.upload(new Float32Array(N * K).fill(0.25), [N, K]);
  const xs: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    await be.linear(x, w);
    if (i > 0) xs.push(performance.now() - t0);
  }
  be.release(x, w);
  xs.sort((a, b) => a - b);
  return (2 * M * K * N) / xs[xs.length >> 1] / 1e6;
}

export function forwardBenchmarks(
  ctx: GpuContext,
  peers: OrtPeer[],
  models: ForwardModel[],
  ourMatmul: Map<string, number>,
): Benchmark[] {
  let prepared: Promise<void> | null = null;
  const prepare = (): Promise<void> => (prepared ??= ctx.pipelines.prepare(ALL_PIPELINES));
  const list: Benchmark[] = [];
  const webgpu = webgpuEngine(ctx);
  let simd: Promise<SimdCpuBackend> | null = null;
  const simdBackend = (): Promise<SimdCpuBackend> => (simd ??= SimdCpuBackend.create());
  const cpuChosen = preferSimdCpu(ctx.caps);
  const engines: OurEngine[] = cpuChosen
    ? [{ label: 'CPU SIMD', backend: async () => await simdBackend() }, webgpu]
    : [webgpu];
  for (const model of models) {
    const T = model.seqLen;
    const rows = forwardOrtBenchmarks({ ctx, engines, peers, models: [model], seqLen: T, runs: 9 });
    let oursTps: number | null = null;
    const wrapped: Benchmark[] = rows.map((b) => {
      const phase = b.phase;
      const chosen = b.engine === engines[0].label;
      return {
        name: `forward ${model.name} ${phase} T=${T}${chosen ? '' : ` [${b.engine} engine]`}`,
        unit: b.unit,
        async run(): Promise<Measurement> {
          await prepare();
          const m = await b.run();
          if (phase === 'prefill' && chosen) oursTps = m.ours;
          // Keep the printed note constant per phase; the per-row logit difference is in details.
          return { ...m, note: PHASE_NOTES[phase], details: { ...m.details, chosen_engine: chosen } };
        },
      };
    });
    list.push(...wrapped);
    list.push({
      name: `forward ${model.name} prefill T=${T} GFLOP/s`,
      unit: 'GFLOP/s',
      async run(): Promise<Measurement> {
        if (oursTps === null) await wrapped[0].run();
        const flops = forwardFlops(model.weights.config, T);
        const achieved = ((oursTps ?? NaN) * flops) / T / 1e9;
        const key = cpuChosen ? `${shapeName(FRACTION_REF)} CPU SIMD` : shapeName(FRACTION_REF);
        if (!ourMatmul.has(key))
          ourMatmul.set(key, cpuChosen ? await simdMatmulGflops(await simdBackend()) : await measureOurs(ctx, FRACTION_REF, timingFor(FRACTION_REF)));
        return {
          ours: achieved,
          peer: ourMatmul.get(key) ?? null,
          peerName: `our ${key}`,
          note: 'forward FLOPs (forwardFlops) x tokens/s / T, chosen engine; ratio = fraction of that engine\'s matmul GFLOP/s in this run',
          details: { forward_flops: flops, tokens: T },
        };
      },
    });
  }
  return list;
}
