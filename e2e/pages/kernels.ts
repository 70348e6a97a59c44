// Runs the GPU-vs-reference kernel suite in the page's own WebGPU device and publishes the
// results on window.__kernelResults for e2e/kernels.spec.ts.
import { acquireGpu } from '../../src/gpu/device';
import { ALL_PIPELINES } from '../../src/gpu/kernels';
import { runKernelSuite, type KernelResult } from '../../src/gpu/testing/kernel-suite';
import { describeAdapter } from '../../src/gpu/capabilities';

declare global {
  interface Window {
    __kernelResults?: { adapter: string; results: KernelResult[] } | { error: string };
  }
}

async function main(): Promise<void> {
  const out = document.getElementById('out');
  try {
    const ctx = await acquireGpu();
    await ctx.pipelines.prepare(ALL_PIPELINES);
    const results = await runKernelSuite(ctx);
    window.__kernelResults = { adapter: describeAdapter(ctx.caps), results };
    if (out) out.textContent = results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.message}`).join('\n');
  } catch (e) {
    window.__kernelResults = { error: String(e) };
    if (out) out.textContent = String(e);
  }
}

void main();
