// The transformer engine in the browser: every golden fixture (tiny HF checkpoints with logits
// from transformers) runs on the page's WebGPU device, on the WebAssembly SIMD CPU backend (with
// relaxed SIMD's fused multiply-add where Chromium has it, which Node 20 does not) and on the CPU
// reference; the results go to window.__engineResults for e2e/engine.spec.ts.
import { CpuBackend } from '../../src/core/cpu-backend';
import { SimdCpuBackend } from '../../src/core/simd/simd-backend';
import { maxAbsDiff } from '../../src/core/testing/compare';
import { acquireGpu } from '../../src/gpu/device';
import { ALL_PIPELINES } from '../../src/gpu/kernels';
import { WebGpuBackend } from '../../src/gpu/webgpu-backend';
import { parseModelConfig } from '../../src/model/config';
import { Transformer } from '../../src/model/transformer';
import { SafetensorsWeights } from '../../src/model/weights';

const FIXTURES = ['qwen2', 'llama', 'mistral', 'qwen2_moe', 'qwen2_moe_norm', 'mixtral'];

interface Row { name: string; gpuVsCpu: number; cpuVsTransformers: number; simdVsTransformers: number; routingEqual: boolean }
declare global {
  interface Window { __engineResults?: { rows: Row[]; simd: string } | { error: string } }
}

async function main(): Promise<void> {
  const out = document.getElementById('out')!;
  try {
    const ctx = await acquireGpu();
    await ctx.pipelines.prepare(ALL_PIPELINES);
    const rows: Row[] = [];
    const simdBackend = await SimdCpuBackend.create();
    for (const name of FIXTURES) {
      const base = `/src/model/fixtures/${name}/`;
      const config = parseModelConfig(await (await fetch(`${base}config.json`)).json());
      const bytes = new Uint8Array(await (await fetch(`${base}model.safetensors`)).arrayBuffer());
      const golden = (await (await fetch(`${base}goldens.json`)).json()) as { sequences: { tokens: number[]; logits: number[][] }[] };
      const weights = new SafetensorsWeights(config, [bytes]);
      const cpu = new Transformer(new CpuBackend(), weights);
      const gpu = new Transformer(new WebGpuBackend(ctx), weights);
      const simd = new Transformer(simdBackend, weights);
      let gpuVsCpu = 0;
      let cpuVsTransformers = 0;
      let simdVsTransformers = 0;
      let routingEqual = true;
      for (const s of golden.sequences) {
        const ids = Int32Array.from(s.tokens);
        const a = await cpu.logits(ids);
        const b = await gpu.logits(ids);
        gpuVsCpu = Math.max(gpuVsCpu, maxAbsDiff(a.logits, b.logits));
        cpuVsTransformers = Math.max(cpuVsTransformers, maxAbsDiff(a.logits, Float32Array.from(s.logits.flat())));
        const c = await simd.logits(ids);
        simdVsTransformers = Math.max(simdVsTransformers, maxAbsDiff(c.logits, Float32Array.from(s.logits.flat())));
        a.routing.forEach((r, l) => {
          for (const g of [b.routing[l], c.routing[l]]) {
            if ((r === null) !== (g === null) || (r && g && r.experts.join() !== g.experts.join())) routingEqual = false;
          }
        });
      }
      gpu.dispose();
      simd.dispose();
      rows.push({ name, gpuVsCpu, cpuVsTransformers, simdVsTransformers, routingEqual });
    }
    window.__engineResults = { rows, simd: simdBackend.describe() };
    out.textContent = rows.map((r) => `${r.name}: gpu-cpu ${r.gpuVsCpu.toExponential(2)}, cpu-hf ${r.cpuVsTransformers.toExponential(2)}`).join('\n');
  } catch (e) {
    window.__engineResults = { error: String(e) };
    out.textContent = String(e);
  }
}

void main();
