/**
 * The Chromium half of the benchmarks (opened by bench/harness/chromium.ts): our matmul and our
 * forward pass on the browser's WebGPU adapter against onnxruntime-web's 'webgpu' provider (on
 * the same adapter) and its 'wasm' provider, plus the forward pass's GFLOP/s as a fraction of our
 * matmul's. Exposes window.runBench(filter) returning the rows; also shows them.
 */
import type * as Ort from 'onnxruntime-web';
import ortWebgpuWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortWebgpuMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortWasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { acquireGpu } from '../../src/gpu/device';
import { describeAdapter } from '../../src/gpu/capabilities';
import { defaultForwardModels, forwardBenchmarks, forwardEngineNote } from '../harness/forward';
import { DEFAULT_SHAPES, matmulBenchmarks, oursNote, type OrtSetup } from '../harness/matmul';
import { runBenchmarks, type BenchRow } from '../harness/registry';
import { formatRow } from '../harness/report';

export interface PageResult {
  adapter: string;
  notes: string[];
  rows: BenchRow[];
}

declare global {
  interface Window {
    runBench?: (filter?: string[]) => Promise<PageResult>;
  }
}

const out = document.getElementById('out') as HTMLPreElement;

function configure(ort: typeof Ort, wasm: string, mjs: string, threads: number): void {
  ort.env.wasm.wasmPaths = {
    wasm: new URL(wasm, location.href).href,
    mjs: new URL(mjs, location.href).href,
  };
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
}

async function runBench(filter?: string[]): Promise<PageResult> {
  const ctx = await acquireGpu({ label: 'bench' });
  // Threads need cross-origin isolation (the harness serves the page with COOP/COEP headers).
  const threads = crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  const ortGpu = (await import('onnxruntime-web/webgpu')) as typeof Ort;
  configure(ortGpu, ortWebgpuWasm, ortWebgpuMjs, threads);
  const ortCpu = (await import('onnxruntime-web/wasm')) as typeof Ort;
  configure(ortCpu, ortWasmWasm, ortWasmMjs, threads);
  const v = ortGpu.env.versions.web ?? '';
  const peers: OrtSetup[] = [
    { ort: ortGpu, provider: 'webgpu', label: `ORT-web ${v} webgpu` },
    { ort: ortCpu, provider: 'wasm', label: `ORT-web ${v} wasm ${threads}T` },
  ];
  const ourMatmul = new Map<string, number>();
  const list = [
    ...matmulBenchmarks(
      ctx,
      DEFAULT_SHAPES,
      peers,
      {
        webgpu:
          'ORT: GPU-buffer tensors in and out (io binding), own GPUDevice on the same adapter',
        wasm: 'ORT: CPU tensors, copies in/out of the wasm heap included',
      },
      ourMatmul,
    ),
    ...forwardBenchmarks(ctx, peers, defaultForwardModels(), ourMatmul),
  ];
  out.textContent = '';
  const rows = await runBenchmarks('chromium', list, {
    filter,
    onRow: (r) => (out.textContent += `${formatRow(r).join(' | ')}\n`),
  });
  const ortDevice = await ortGpu.env.webgpu.device;
  const ortAdapter = (ortDevice as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const notes = [
    oursNote('chromium', ctx),
    ...(rows.some((r) => r.name.startsWith('forward ')) ? [forwardEngineNote(ctx)] : []),
    `Chromium ${navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? '?'}; ORT's device: ${ortAdapter ? `${ortAdapter.vendor} ${ortAdapter.architecture}` : 'unknown'}`,
  ];
  ctx.destroy();
  return { adapter: describeAdapter(ctx.caps), notes, rows };
}

window.runBench = runBench;
out.textContent = 'ready';
