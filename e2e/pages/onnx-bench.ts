// Standalone run of the forward benchmark (onnx-forward-bench.ts) on a synthetic Qwen2-MoE:
// our WebGPU engine vs onnxruntime-web webgpu and wasm; rows on window.__onnxBench.
import type * as Ort from 'onnxruntime-web';
import ortWebgpuWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortWebgpuMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortWasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { acquireGpu } from '../../src/gpu/device';
import { ALL_PIPELINES } from '../../src/gpu/kernels';
import { forwardOrtBenchmarks, syntheticMoe, type ForwardMeasurement } from './onnx-forward-bench';

declare global {
  interface Window {
    __onnxBench?: { rows: (ForwardMeasurement & { name: string; error?: string })[] } | { error: string };
  }
}

const out = document.getElementById('out') as HTMLPreElement;

function configure(ort: typeof Ort, wasm: string, mjs: string): void {
  ort.env.wasm.wasmPaths = { wasm: new URL(wasm, location.href).href, mjs: new URL(mjs, location.href).href };
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const ctx = await acquireGpu({ label: 'onnx-bench' });
  await ctx.pipelines.prepare(ALL_PIPELINES);
  const ortGpu = (await import('onnxruntime-web/webgpu')) as typeof Ort;
  configure(ortGpu, ortWebgpuWasm, ortWebgpuMjs);
  const ortCpu = (await import('onnxruntime-web/wasm')) as typeof Ort;
  configure(ortCpu, ortWasmWasm, ortWasmMjs);
  const hidden = Number(params.get('hidden') ?? 128);
  const weights = syntheticMoe({ hidden, layers: 2, heads: 4, kvHeads: 2, inter: 2 * hidden, experts: 4, topK: 2, vocab: 1024 });
  const list = forwardOrtBenchmarks({
    ctx,
    peers: [
      { ort: ortGpu, provider: 'webgpu', label: 'ORT-web webgpu' },
      { ort: ortCpu, provider: 'wasm', label: 'ORT-web wasm 1T' },
    ],
    models: [{ name: `synthetic qwen2_moe h${hidden}`, weights }],
    seqLen: Number(params.get('T') ?? 32),
    runs: 3,
  });
  const rows: (ForwardMeasurement & { name: string; error?: string })[] = [];
  for (const b of list) {
    try {
      rows.push({ name: b.name, ...(await b.run()) });
    } catch (e) {
      rows.push({ name: b.name, ours: NaN, peer: null, peerName: '-', error: String(e) });
    }
    out.textContent = rows.map((r) => `${r.name}: ours ${r.ours.toFixed(1)} tok/s, ${r.peerName} ${r.peer?.toFixed(1) ?? '-'} tok/s ${r.error ?? ''}`).join('\n');
  }
  window.__onnxBench = { rows };
}

main().catch((e: unknown) => {
  window.__onnxBench = { error: String(e) };
  out.textContent = String(e);
});
