/**
 * Probe stage: run every source on the same calibration windows and accumulate, per layer, the
 * moments of each model's FFN hidden activations h = silu(gate x) * up x (the input of
 * down_proj), with the cross moments between the anchor and each other model (METHOD.md
 * section 2: each model sees its own residual stream). Also accumulates the residual stream
 * entering each layer of each model (for model x model, layer x layer CKA), on a token budget.
 *
 * Windows are processed in chunks: each model runs the chunk (layer-streaming), its tapped h is
 * copied to the host per layer, and once all models have run the chunk, the per-layer
 * accumulators absorb it. Host memory is models x layers x chunk tokens x width floats.
 * With `gpuMoments` on the WebGPU backend, the FFN moments accumulate on the GPU instead
 * (probe-gpu.ts): h is never read back; the residual-stream moments stay on the host path.
 */
import type { BackendTensor } from '../core/backend';
import { throwIfAborted } from '../core/errors';
import { MomentAccumulator } from '../core/stats/moments';
import type { GpuTensor } from '../gpu/buffers';
import { WebGpuBackend } from '../gpu/webgpu-backend';
import { Transformer } from '../model/transformer';
import type { WeightProvider } from '../model/weights';
import type { StageContext } from './context';
import { GpuFfnMoments } from './probe-gpu';

export interface ProbeOptions {
  anchor: number;
  /** Windows per chunk (default 8). */
  chunkWindows?: number;
  /** Keep full self second moments of h (needed for CKA of h; costs width^2 per model and layer). */
  selfFull?: boolean;
  /** Also accumulate residual-stream moments for layer x layer CKA (default true). */
  residual?: boolean;
  /** Per source: map the windows' token ids to that source's vocabulary (default: as is). */
  mapIds?: (((ids: Int32Array) => Int32Array) | null)[];
  /** Accumulate the FFN moments on the GPU when the backend is the WebGPU backend (default
   * false; ignored on other backends). The result has the same form either way. */
  gpuMoments?: boolean;
  /** With gpuMoments on the WebGPU backend: keep the GPU accumulators (ProbeResult.gpuFfn) for
   * the match stage, which then computes correlations on the GPU without an upload; the caller
   * must call gpuFfn.dispose() when done. */
  keepGpuMoments?: boolean;
}

export interface ProbeResult {
  tokens: number;
  /** Per layer: streams = models (width I each), pairs (anchor, i) for every i != anchor. */
  ffn: MomentAccumulator[];
  /** Streams = model * numLayers + layer (width H), every pair; null when not asked. */
  residual: MomentAccumulator | null;
  /** The FFN moments still on the GPU (only with keepGpuMoments); dispose() frees them. */
  gpuFfn?: GpuFfnMoments;
}

export async function probe<T extends BackendTensor>(
  sources: readonly WeightProvider[],
  windows: readonly Int32Array[],
  opts: ProbeOptions,
  ctx: StageContext<T>,
): Promise<ProbeResult> {
  const cfg = sources[opts.anchor].config;
  const L = cfg.numLayers;
  const I = cfg.intermediateSize;
  const H = cfg.hiddenSize;
  const N = sources.length;
  const pairs = sources.map((_, i) => [opts.anchor, i] as const).filter(([a, i]) => a !== i);
  const selfFull = opts.selfFull ?? false;
  const onGpu =
    opts.gpuMoments === true && ctx.backend instanceof WebGpuBackend ? ctx.backend : null;
  const gpu = onGpu ? await GpuFfnMoments.create(onGpu, L, N, I, { pairs, selfFull }) : null;
  const keep = gpu !== null && opts.keepGpuMoments === true;
  let kept = false;
  let ffn = gpu
    ? []
    : Array.from(
        { length: L },
        () => new MomentAccumulator(Array<number>(N).fill(I), { pairs, selfFull }),
      );
  const wantResidual = opts.residual ?? true;
  const streams = N * L;
  const allPairs: [number, number][] = [];
  for (let a = 0; a < streams; a++) for (let b = a + 1; b < streams; b++) allPairs.push([a, b]);
  const residual = wantResidual
    ? new MomentAccumulator(Array<number>(streams).fill(H), { pairs: allPairs, selfFull: true })
    : null;
  const models = sources.map((s) => new Transformer(ctx.backend, s));
  const chunk = opts.chunkWindows ?? 8;
  let tokens = 0;
  try {
    for (let c = 0; c < windows.length; c += chunk) {
      throwIfAborted(ctx.signal);
      const batch = windows.slice(c, c + chunk);
      const T = batch.reduce((s, w) => s + w.length, 0);
      const hs: Float32Array[][] = models.map(() => new Array<Float32Array>(L));
      const xs: Float32Array[][] = models.map(() => new Array<Float32Array>(L));
      for (let m = 0; m < N; m++) {
        const map = opts.mapIds?.[m];
        const r = await models[m].hidden(map ? batch.map(map) : batch, {
          signal: ctx.signal,
          taps: {
            ffnHidden: async ({ layer, h }) => {
              if (gpu) gpu.keep(m, layer, h as unknown as GpuTensor);
              else hs[m][layer] = await ctx.backend.read(h);
            },
            residual: wantResidual
              ? async ({ layer, point, x }) => {
                  if (point === 'input') xs[m][layer] = await ctx.backend.read(x);
                }
              : undefined,
          },
        });
        ctx.backend.release(r.hidden);
        ctx.progress?.({
          stage: 'probe',
          done: c * N + (m + 1) * batch.length,
          total: windows.length * N,
          message: `model ${m + 1}/${N}`,
        });
      }
      if (gpu) await gpu.absorb(T);
      else
        for (let l = 0; l < L; l++)
          ffn[l].add(
            hs.map((h) => h[l]),
            T,
          );
      if (residual) residual.add(xs.flat(), T);
      tokens += T;
    }
    if (gpu) ffn = await gpu.finish(keep);
    kept = keep;
  } finally {
    if (!kept) gpu?.dispose();
    for (const m of models) m.dispose();
  }
  return { tokens, ffn, residual, ...(kept && gpu ? { gpuFfn: gpu } : {}) };
}
