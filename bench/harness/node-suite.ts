/**
 * The Node half of the benchmarks: our kernels on WebGPU in Node (Dawn through the npm `webgpu`
 * package; SwiftShader on machines without a GPU) against onnxruntime-web's wasm provider in the
 * same process. Loaded through Vite's SSR module loader, so the WGSL imports resolve as in the app.
 */
import { availableParallelism } from 'node:os';
import { describeAdapter } from '../../src/gpu/capabilities';
import { acquireNodeGpu, releaseNodeGpu } from '../../src/gpu/node';
import { DEFAULT_SHAPES, matmulBenchmarks, oursNote, type OrtModule } from './matmul';
import { runBenchmarks, type BenchRow, type RunOptions } from './registry';

export interface SuiteResult {
  adapter: string;
  notes: string[];
  rows: BenchRow[];
}

export async function runNodeSuite(opts: RunOptions = {}): Promise<SuiteResult> {
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
    const rows = await runBenchmarks('node', list, opts);
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
