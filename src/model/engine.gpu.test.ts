// The WebGPU engine against the CPU engine on every golden fixture (logits, per-token NLL,
// routing, KV-cache generation), and a device lost mid-forward surfacing as DeviceLostError
// with the stage re-runnable on a fresh device.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { maxAbsDiff } from '../core/testing/compare';
import type { GpuContext } from '../gpu/context';
import { DeviceLostError } from '../gpu/errors';
import { ALL_PIPELINES } from '../gpu/kernels';
import { acquireNodeGpu } from '../gpu/node';
import { useNodeGpu } from '../gpu/testing/node-gpu';
import { WebGpuBackend } from '../gpu/webgpu-backend';
import { generate } from './generate';
import { decodeMaxDiff } from './testing/decode';
import { FIXTURES, loadFixture } from './testing/fixtures';
import { Transformer } from './transformer';

let ctx: GpuContext;

useNodeGpu(async (c) => {
  ctx = c;
  await ctx.pipelines.prepare(ALL_PIPELINES);
});

describe('WebGPU engine matches the CPU engine', () => {
  for (const name of FIXTURES) {
    it(`${name}: logits, NLL and routing`, async () => {
      const fx = loadFixture(name);
      const cpu = new Transformer(new CpuBackend(), fx.weights);
      const gpu = new Transformer(new WebGpuBackend(ctx), fx.weights);
      let worst = 0;
      for (const s of fx.sequences) {
        const ids = Int32Array.from(s.tokens);
        const a = await cpu.logits(ids);
        const b = await gpu.logits(ids);
        worst = Math.max(worst, maxAbsDiff(a.logits, b.logits));
        b.routing.forEach((r, l) => expect(r ? [...r.experts] : null).toEqual(a.routing[l] ? [...a.routing[l].experts] : null));
      }
      const batch = fx.sequences.map((s) => Int32Array.from(s.tokens));
      const na = await cpu.nll(batch, { vocabChunk: 50 });
      const nb = await gpu.nll(batch, { vocabChunk: 50 });
      let nllDiff = 0;
      na.forEach((r, i) => r.forEach((v, j) => (nllDiff = Number.isNaN(v) ? nllDiff : Math.max(nllDiff, Math.abs(v - nb[i][j])))));
      console.log(`${name}: WebGPU vs CPU max |logit diff| ${worst.toExponential(2)}, max |nll diff| ${nllDiff.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-3);
      expect(nllDiff).toBeLessThanOrEqual(1e-3);
      gpu.dispose();
      expect(ctx.pool.stats().live).toBe(0);
    });
  }

  // Decoding one token at a time (matvec, fused SwiGLU, experts added onto the residual) must
  // give the rows of the full forward, on both backends, and release everything it made.
  for (const name of FIXTURES) {
    it(`${name}: token-by-token decoding with a KV cache matches the full forward`, async () => {
      const fx = loadFixture(name);
      const ids = Int32Array.from(fx.sequences[0].tokens);
      const full = (await new Transformer(new CpuBackend(), fx.weights).logits(ids)).logits;
      expect(await decodeMaxDiff(new Transformer(new CpuBackend(), fx.weights), ids, full), `${name} cpu`).toBeLessThanOrEqual(1e-3);
      expect(await decodeMaxDiff(new Transformer(new WebGpuBackend(ctx), fx.weights, { keepLayers: true }), ids, full), `${name} webgpu`).toBeLessThanOrEqual(1e-3);
      expect(ctx.pool.stats().live).toBe(0);
    });
  }

  it('greedy generation with a KV cache gives the same tokens', async () => {
    const fx = loadFixture('qwen2_moe');
    const prompt = Int32Array.of(1, 17, 42);
    const a = await generate(new Transformer(new CpuBackend(), fx.weights), prompt, { maxNewTokens: 5, greedy: true });
    const gpu = new Transformer(new WebGpuBackend(ctx), fx.weights, { keepLayers: true });
    const b = await generate(gpu, prompt, { maxNewTokens: 5, greedy: true });
    gpu.dispose();
    expect(b.tokens).toEqual(a.tokens);
  });
});

describe('device loss', () => {
  it('a device destroyed mid-forward raises DeviceLostError; the stage re-runs on a new device', async () => {
    const fx = loadFixture('llama');
    const ids = Int32Array.from(fx.sequences[0].tokens);
    const doomed = await acquireNodeGpu();
    const model = new Transformer(new WebGpuBackend(doomed), fx.weights);
    const run = model.logits(ids, {
      onLayer: (l) => {
        if (l === 0) doomed.device.destroy();
      },
    });
    await expect(run).rejects.toBeInstanceOf(DeviceLostError);
    const fresh = new Transformer(new WebGpuBackend(ctx), fx.weights);
    const again = await fresh.logits(ids);
    const ref = await new Transformer(new CpuBackend(), fx.weights).logits(ids);
    expect(maxAbsDiff(again.logits, ref.logits)).toBeLessThanOrEqual(1e-3);
    fresh.dispose();
  });
});
