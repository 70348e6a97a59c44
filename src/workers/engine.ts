/**
 * The engine's request handlers, independent of where they run (a Web Worker in the browser,
 * the main thread or Node in tests). Holds the single GpuContext (re-acquired after a loss) and
 * the studio session; the session's stages run on the WebGPU backend by default. Evaluation,
 * token routing and the playground run our engine on the WebAssembly SIMD CPU backend instead
 * when the adapter is a software one (SwiftShader emulates the GPU on the same CPU cores, several
 * times slower than the SIMD kernels; see docs/benchmarks.md).
 */
import type { BackendTensor, ComputeBackend } from '../core/backend';
import { preferSimdCpu, SimdCpuBackend } from '../core/simd/simd-backend';
import { throwIfAborted } from '../core/errors';
import { acquireGpu, type AcquireOptions } from '../gpu/device';
import type { GpuContext } from '../gpu/context';
import { ALL_PIPELINES } from '../gpu/kernels';
import { KERNEL_CASES, runKernelCase, type KernelResult } from '../gpu/testing/kernel-suite';
import { WebGpuBackend } from '../gpu/webgpu-backend';
import { WebGpuTrainBackend } from '../gpu/webgpu-train-backend';
import { describeAdapter } from '../gpu/capabilities';
import type { Handlers } from './rpc';
import type { EngineApi } from './protocol';
import type { ChunkCache } from '../io/cache';
import type { DemoAssets } from './session/assets';
import { StudioSession } from './session/state';
import { demoCatalog, loadSources, setRoles } from './session/sources';
import { datasetDocuments, datasetFiles } from './session/dataset';
import { align, calibrate, cka, permutation } from './session/align';
import { merge } from './session/build';
import { evaluate, generate, routeText } from './session/use';
import { cpuTrainDevice, stopTraining, train } from './session/train';
import { restoreStages } from './session/restore';
import { StageCache } from './session/stage-cache';
import type { OrtLoader } from './session/ort-playground';
import type { StageStore } from '../io/stage-store';
import type { StageCacheReport, TrainDevice } from './studio-types';
import type { TrainDeviceChoice } from './session/state';
import { exportModel } from './session/export';

export interface EngineOptions {
  acquire?: (o: AcquireOptions) => Promise<GpuContext>;
  demo: DemoAssets;
  /** Run the studio's stages on this backend instead of WebGPU (tests, CPU-only hosts). */
  backend?: () => Promise<ComputeBackend<BackendTensor>>;
  cache?: ChunkCache;
  /** Where finished stages are kept (IndexedDB in the worker); absent: nothing survives the engine. */
  stages?: StageStore;
  /** Bound of the stage cache in bytes (default 1 GiB). */
  stageLimitBytes?: number;
  ort?: OrtLoader;
}

export function createEngine(opts: EngineOptions): Partial<Handlers<EngineApi>> {
  const acquire = opts.acquire ?? acquireGpu;
  let ctx: GpuContext | null = null;
  let webgpu: WebGpuBackend | null = null;
  let gpuTrain: WebGpuTrainBackend | null = null;
  let simd: Promise<SimdCpuBackend> | null = null;
  const gpu = async (o: AcquireOptions = {}): Promise<GpuContext> => {
    if (!ctx || ctx.isLost) {
      ctx = await acquire(o);
      webgpu = null;
      gpuTrain = null;
      await ctx.pipelines.prepare(ALL_PIPELINES);
    }
    return ctx;
  };
  const backend = opts.backend ?? (async (): Promise<ComputeBackend<BackendTensor>> => {
    const c = await gpu();
    webgpu ??= new WebGpuBackend(c);
    return webgpu;
  });
  // auto: WebGPU on a hardware adapter; on a software one (SwiftShader) the CPU trainer is faster.
  // With a given backend (tests, CPU-only hosts) the session trains on the CPU only.
  const trainBackend = opts.backend ? undefined : async (device: TrainDevice): Promise<TrainDeviceChoice> => {
    if (device === 'cpu') return cpuTrainDevice('');
    const c = await gpu();
    if (device === 'auto' && c.caps.isFallbackAdapter) return cpuTrainDevice(', faster than the software GPU adapter');
    gpuTrain ??= await WebGpuTrainBackend.create(c);
    return { backend: gpuTrain as unknown as TrainDeviceChoice['backend'], label: `WebGPU (f32) on ${describeAdapter(c.caps)}` };
  };
  // Inference: WebGPU on a hardware adapter, the SIMD CPU backend on a software one.
  const inference = opts.backend ? undefined : async (): Promise<{ backend: ComputeBackend<BackendTensor>; label: string }> => {
    const c = await gpu();
    if (preferSimdCpu(c.caps)) {
      const b = await (simd ??= SimdCpuBackend.create());
      return { backend: b as unknown as ComputeBackend<BackendTensor>, label: `${b.describe()}, faster than the software GPU adapter` };
    }
    return { backend: await backend(), label: `WebGPU on ${describeAdapter(c.caps)}` };
  };
  const stages = opts.stages ? new StageCache(opts.stages, opts.stageLimitBytes) : undefined;
  const s = new StudioSession({ backend, inference, trainBackend, demo: opts.demo, cache: opts.cache, stages, ort: opts.ort });
  const stageInfo = async (): Promise<StageCacheReport> => stages ? stages.info() : { persistent: false, bytes: 0, limitBytes: 0, entries: [] };
  return {
    async init(p) {
      return (await gpu({ featureLevel: p.featureLevel })).caps;
    },
    async kernelSuite(p, { signal, progress }) {
      const c = await gpu();
      const cases = KERNEL_CASES.filter((k) => !p.filter || k.name.includes(p.filter));
      const out: KernelResult[] = [];
      for (const [i, k] of cases.entries()) {
        throwIfAborted(signal);
        progress({ stage: 'kernels', done: i, total: cases.length, message: k.name });
        out.push(await runKernelCase(c, k));
      }
      return out;
    },
    async ping(p, { signal, progress }) {
      for (let i = 0; i < p.steps; i++) {
        throwIfAborted(signal);
        progress({ stage: 'ping', done: i, total: p.steps });
        await new Promise((r) => setTimeout(r, p.ms));
      }
      return p.steps;
    },
    demoCatalog: () => demoCatalog(s),
    loadSources: (p, c) => loadSources(s, p.refs, c),
    setRoles: (p) => Promise.resolve(setRoles(s, p)),
    datasetFiles: (p, c) => datasetFiles(p, c),
    datasetDocuments: (p, c) => datasetDocuments(s, p, c),
    calibrate: (p, c) => calibrate(s, p, c),
    align: (p, c) => align(s, p, c),
    permutation: (p) => Promise.resolve(permutation(s, p)),
    cka: (_p, c) => cka(s, c),
    merge: (p, c) => merge(s, p, c),
    evaluate: (p, c) => evaluate(s, p, c),
    routeText: (p) => routeText(s, p),
    generate: (p, c) => generate(s, p, c),
    train: (p, c) => train(s, p, c),
    stopTraining: (p) => stopTraining(s, p),
    restore: (p, c) => restoreStages(s, p, c),
    stageCacheInfo: stageInfo,
    clearStageCache: async () => {
      await stages?.clear();
      return stageInfo();
    },
    exportModel: (p, c) => exportModel(s, p, c),
    cacheInfo: async () => ({ bytes: opts.cache ? await opts.cache.size() : 0, available: Boolean(opts.cache) }),
    clearCache: async () => {
      await opts.cache?.clear();
      return { bytes: opts.cache ? await opts.cache.size() : 0, available: Boolean(opts.cache) };
    },
  };
}
