// Runs the ONNX export of the dense fixtures and of tiny merged MoEs in onnxruntime-web (webgpu
// and wasm providers, wasm files served by Vite from node_modules) and compares the logits with
// our CPU engine's; publishes the rows on window.__onnxResults for e2e/onnx.spec.ts.
import type * as Ort from 'onnxruntime-web';
import ortWebgpuWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortWebgpuMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortWasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { CpuBackend } from '../../src/core/cpu-backend';
import { exportOnnx } from '../../src/core/onnx/transformer-graph';
import { maxAbsDiff } from '../../src/core/testing/compare';
import { CHECK_TOKENS, tinyMoeFrom, type FixtureLoader } from '../../src/merge/testing/tiny-moes-core';
import { parseModelConfig } from '../../src/model/config';
import { Transformer } from '../../src/model/transformer';
import { SafetensorsWeights, type WeightProvider } from '../../src/model/weights';

export interface OnnxRow {
  model: string;
  provider: 'webgpu' | 'wasm';
  maxAbsDiff: number;
  ms: number;
}

declare global {
  interface Window {
    __onnxResults?: { rows: OnnxRow[]; adapter: string } | { error: string };
  }
}

const out = document.getElementById('out') as HTMLPreElement;

const load: FixtureLoader = async (name) => {
  const base = `/src/model/fixtures/${name}/`;
  const rawConfig = (await (await fetch(`${base}config.json`)).json()) as Record<string, unknown>;
  const bytes = new Uint8Array(await (await fetch(`${base}model.safetensors`)).arrayBuffer());
  return { weights: await new SafetensorsWeights(parseModelConfig(rawConfig), [bytes]).toMemory(), rawConfig };
};

function configure(ort: typeof Ort, wasm: string, mjs: string): void {
  ort.env.wasm.wasmPaths = { wasm: new URL(wasm, location.href).href, mjs: new URL(mjs, location.href).href };
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
}

async function run(ort: typeof Ort, provider: 'webgpu' | 'wasm', model: Uint8Array, tokens: number[]): Promise<{ logits: Float32Array; ms: number }> {
  const s = await ort.InferenceSession.create(model, { executionProviders: [provider] });
  try {
    const ids = BigInt64Array.from(tokens.map((t) => BigInt(t)));
    const t0 = performance.now();
    const r = await s.run({ input_ids: new ort.Tensor('int64', ids, [1, tokens.length]) });
    const ms = performance.now() - t0;
    return { logits: (await r.logits.getData()) as Float32Array, ms };
  } finally {
    await s.release();
  }
}

async function main(): Promise<void> {
  const ortGpu = (await import('onnxruntime-web/webgpu')) as typeof Ort;
  configure(ortGpu, ortWebgpuWasm, ortWebgpuMjs);
  const ortCpu = (await import('onnxruntime-web/wasm')) as typeof Ort;
  configure(ortCpu, ortWasmWasm, ortWasmMjs);
  const cases: [string, WeightProvider][] = [
    ['qwen2', (await load('qwen2')).weights],
    ['llama', (await load('llama')).weights],
    ['merged qwen2_moe_shared', (await tinyMoeFrom(load, 'qwen2_moe_shared')).weights],
    ['merged mixtral', (await tinyMoeFrom(load, 'mixtral')).weights],
  ];
  const rows: OnnxRow[] = [];
  for (const [name, wp] of cases) {
    const model = await exportOnnx(wp, { maxPositions: 32 });
    const ours = (await new Transformer(new CpuBackend(), wp).logits(Int32Array.from(CHECK_TOKENS))).logits;
    for (const [ort, provider] of [[ortGpu, 'webgpu'], [ortCpu, 'wasm']] as const) {
      const r = await run(ort, provider, model, CHECK_TOKENS);
      rows.push({ model: name, provider, maxAbsDiff: maxAbsDiff(r.logits, ours), ms: r.ms });
      out.textContent = rows.map((x) => `${x.model} ${x.provider}: max |ORT - ours| = ${x.maxAbsDiff.toExponential(2)}`).join('\n');
    }
  }
  const device = (await ortGpu.env.webgpu.device) as GPUDevice & { adapterInfo?: GPUAdapterInfo };
  const info = device.adapterInfo;
  window.__onnxResults = { rows, adapter: info ? `${info.vendor} ${info.architecture}` : 'unknown' };
}

main().catch((e: unknown) => {
  window.__onnxResults = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) };
  out.textContent = String(e);
});
