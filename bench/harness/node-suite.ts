/**
 * The Node half of the benchmarks: our kernels on WebGPU in Node (Dawn through the npm `webgpu`
 * package; SwiftShader on machines without a GPU) against onnxruntime-web's wasm provider in the
 * same process, and the assignment's GPU-fed path vs scipy; then, with the GPU released, the CPU
 * rows: exact assignment vs scipy, training vs PyTorch, HF export vs Python safetensors (peers in
 * Python subprocesses, run after ours).
 * Loaded through Vite's SSR module loader, so the WGSL imports resolve as in the app.
 */
import { availableParallelism } from 'node:os';
import { describeAdapter } from '../../src/gpu/capabilities';
import { acquireNodeGpu, releaseNodeGpu } from '../../src/gpu/node';
import { ASSIGN_KINDS, ASSIGN_SIZES_DEFAULT, assignBenchmarks } from './assign';
import { assignGpuBenchmarks } from './assign-gpu';
import { exportBenchmarks } from './export';
import { DEFAULT_SHAPES, matmulBenchmarks, oursNote, type OrtModule } from './matmul';
import { runBenchmarks, type BenchRow, type RunOptions } from './registry';
import { trainBenchmarks } from './train';

export interface SuiteResult {
  adapter: string;
  notes: string[];
  rows: BenchRow[];
}

export interface NodeSuiteOptions extends RunOptions {
  /** Assignment sizes (default 2048 and 4864; --full adds 8960). */
  assignSizes?: number[];
}

export async function runNodeSuite(opts: NodeSuiteOptions = {}): Promise<SuiteResult> {
  const gpu = await runGpuRows(opts);
  const cpuRows = await runBenchmarks(
    'node',
    [
      ...assignBenchmarks(opts.assignSizes ?? ASSIGN_SIZES_DEFAULT),
      ...trainBenchmarks(),
      ...exportBenchmarks(),
    ],
    opts,
  );
  return { ...gpu, rows: [...gpu.rows, ...cpuRows] };
}

async function runGpuRows(opts: NodeSuiteOptions): Promise<SuiteResult> {
  const ctx = await acquireNodeGpu();
  try {
    const ort = (await import('onnxruntime-web')) as OrtModule;
    const threads = Math.min(4, availableParallelism());
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    const version = ort.env.versions.web ?? '';
    const peers = [
      { ort, provider: 'wasm' as const, label: `ORT-web ${version} wasm ${threads}T` },
    ];
    const list = matmulBenchmarks(ctx, DEFAULT_SHAPES, peers, {
      wasm: 'ORT: CPU tensors, copies in/out of the wasm heap included',
    });
    // The assignment's GPU-fed path (dense passes on this adapter, sparse core on the host).
    const assignGpu = assignGpuBenchmarks(ctx, opts.assignSizes ?? ASSIGN_SIZES_DEFAULT, ASSIGN_KINDS);
    const rows = await runBenchmarks('node', [...list, ...assignGpu], opts);
    return {
      adapter: `${describeAdapter(ctx.caps)} [Dawn, ${ctx.caps.featureLevel}]`,
      notes: [oursNote('node', ctx)],
      rows,
    };
  } finally {
    ctx.destroy();
    releaseNodeGpu();
  }
}
