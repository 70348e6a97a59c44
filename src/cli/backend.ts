/**
 * Backend choice (--backend cpu|cpu-simd|webgpu|auto). auto takes WebGPU when Node finds a
 * hardware adapter (Dawn through the npm `webgpu` package) and the WebAssembly SIMD CPU backend
 * otherwise (the f64 CPU reference where WebAssembly SIMD is missing): a software adapter
 * (SwiftShader, llvmpipe) is slower than the CPU backends, so auto skips it and says so;
 * --backend webgpu uses whatever adapter there is; --backend cpu is the f64-accumulating
 * reference. Training on a CPU backend uses the CPU trainer. The choice is reported on stderr.
 */
import type { BackendTensor, ComputeBackend } from '../core/backend';
import { CpuBackend } from '../core/cpu-backend';
import { SimdCpuBackend, simdSupported } from '../core/simd/simd-backend';
import { CpuTrainBackend } from '../core/train/cpu-train-backend';
import type { TrainBackend } from '../core/train/train-backend';

export type BackendKind = 'cpu' | 'cpu-simd' | 'webgpu' | 'auto';

export interface ChosenBackend {
  backend: ComputeBackend<BackendTensor>;
  name: 'cpu' | 'cpu-simd' | 'webgpu';
  description: string;
  /** The trainer's backend on the same device: WebGPU (f32) or the CPU reference (f64). */
  trainBackend(): Promise<TrainBackend<BackendTensor>>;
  close(): void;
}

async function webgpu(): Promise<ChosenBackend & { fallback: boolean }> {
  // Dawn's window-system probe complains on stderr without it; the CLI never opens a window.
  process.env.XDG_RUNTIME_DIR ??= (await import('node:os')).tmpdir();
  const { acquireNodeGpu, releaseNodeGpu } = await import('../gpu/node');
  const { WebGpuBackend } = await import('../gpu/webgpu-backend');
  const { WebGpuTrainBackend } = await import('../gpu/webgpu-train-backend');
  const { describeAdapter } = await import('../gpu/capabilities');
  const ctx = await acquireNodeGpu();
  const close = () => {
    ctx.destroy();
    releaseNodeGpu();
  };
  return {
    backend: new WebGpuBackend(ctx) as unknown as ComputeBackend<BackendTensor>,
    name: 'webgpu', description: `webgpu on ${describeAdapter(ctx.caps)}`, close, fallback: ctx.caps.isFallbackAdapter,
    trainBackend: async () => await WebGpuTrainBackend.create(ctx),
  };
}

/** The CPU backends train on the CPU reference trainer (f64). */
const cpuTrainer = (): Promise<TrainBackend<BackendTensor>> => Promise.resolve(new CpuTrainBackend() as unknown as TrainBackend<BackendTensor>);

const cpu = (why: string): ChosenBackend => ({
  backend: new CpuBackend(), name: 'cpu', description: `cpu${why ? ` (${why})` : ''}`, close: () => undefined, trainBackend: cpuTrainer,
});

/**
 * One SIMD backend and one adapter probe per process. Creating the kernel heap (a large
 * WebAssembly memory reservation) right after each probe had released a Dawn instance crashed the
 * process now and then in the CLI tests, which run many commands in one process ("The futex
 * facility returned an unexpected error code"); probing once and keeping one backend avoids both.
 */
let simdOnce: Promise<SimdCpuBackend> | null = null;
let softwareOnly: string | null = null;

async function cpuSimd(why: string): Promise<ChosenBackend> {
  const b = await (simdOnce ??= SimdCpuBackend.create());
  return {
    backend: b as unknown as ComputeBackend<BackendTensor>, name: 'cpu-simd', description: `${b.describe()}${why ? ` (${why})` : ''}`,
    close: () => undefined, trainBackend: cpuTrainer,
  };
}

/** The fastest CPU backend this engine has. */
const bestCpu = async (why: string): Promise<ChosenBackend> => (simdSupported() ? await cpuSimd(why) : cpu(why));

export async function chooseBackend(kind: BackendKind, say: (line: string) => void): Promise<ChosenBackend> {
  let chosen: ChosenBackend;
  if (kind === 'cpu') chosen = cpu('--backend cpu');
  else if (kind === 'cpu-simd') chosen = await cpuSimd('--backend cpu-simd');
  else if (kind === 'webgpu') chosen = await webgpu();
  else if (softwareOnly) chosen = await bestCpu(softwareOnly);
  else {
    try {
      const g = await webgpu();
      if (g.fallback) {
        g.close();
        softwareOnly = `only a software GPU adapter was found (${g.description.slice(10)}); --backend webgpu forces it`;
        chosen = await bestCpu(softwareOnly);
      } else chosen = g;
    } catch (e) {
      chosen = await bestCpu(`no WebGPU adapter: ${(e instanceof Error ? e.message : String(e)).split('.')[0]}`);
    }
  }
  say(`backend: ${chosen.description}`);
  return chosen;
}
