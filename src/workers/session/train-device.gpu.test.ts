// The studio's Train stage on WebGPU in Node (Dawn): the engine's default path (no backend
// given) trains on the WebGPU training backend when asked, and its steps match the CPU f64
// reference backend's on the same merged demo model; 'auto' on a software adapter takes the CPU.
import { afterAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../gpu/context';
import { acquireNodeGpu, releaseNodeGpu } from '../../gpu/node';
import { createEngine } from '../engine';
import { nodeDemoAssets } from '../testing/demo-files';
import type { TrainRequest, TrainStep } from '../studio-types';

const noCtx = <P,>() => ({ signal: new AbortController().signal, progress: (_e: P) => {} });
let ctx: GpuContext | null = null;

afterAll(() => {
  ctx?.destroy();
  releaseNodeGpu();
});

describe('studio training device (WebGPU in Node)', () => {
  it('trains the merged demo model on WebGPU with the same steps as the CPU reference', { timeout: 600_000 }, async () => {
    const e = createEngine({ demo: nodeDemoAssets(), acquire: async () => (ctx = await acquireNodeGpu()) });
    const cat = await e.demoCatalog!({}, noCtx());
    const picked = cat.models.filter((m) => m.id === 'demo/prose' || m.id === 'demo/code' || m.id === 'demo/math');
    expect(picked).toHaveLength(3);
    await e.loadSources!({ refs: picked.map((m) => ({ kind: 'demo' as const, id: m.id })) }, noCtx());
    const domains = picked.map((m) => m.domain);
    await e.calibrate!({ domains: domains.map((name) => ({ name, builtin: true })), tokensPerDomain: 128, seqLen: 64 }, noCtx());
    await e.align!({ partial: 1 }, noCtx());
    await e.merge!({ backbone: { rule: 'symphony', slerpT: 0.5 }, topK: 1, normTopkProb: false, routerInit: 'centroids', baselines: [], dropRatio: 0, seed: 0 }, noCtx());

    const run = async (device: TrainRequest['device']) => {
      const steps: TrainStep[] = [];
      const req: TrainRequest = { model: 'symphony', device, scope: 'router', steps: 3, lr: 1e-2, batchTokens: 128, seqLen: 64, balanceCoef: 0.01, warmupSteps: 0, seed: 0, fresh: true };
      const summary = await e.train!(req, { signal: new AbortController().signal, progress: (st) => steps.push(st) });
      return { steps, summary };
    };
    const gpu = await run('webgpu');
    expect(gpu.summary.device).toMatch(/^WebGPU \(f32\) on /);
    expect(gpu.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(gpu.steps.every((s) => s.device === gpu.summary.device)).toBe(true);
    const cpu = await run('cpu');
    expect(cpu.summary.device).toBe('CPU (f64 reference)');
    // f32 on the GPU against the f64 reference: same losses and gradient norms to 1e-4 relative.
    gpu.steps.forEach((s, i) => {
      const c = cpu.steps[i];
      expect(Math.abs(s.lmLoss - c.lmLoss)).toBeLessThanOrEqual(1e-4 * Math.abs(c.lmLoss));
      expect(Math.abs(s.auxLoss - c.auxLoss)).toBeLessThanOrEqual(1e-4 * Math.abs(c.auxLoss));
      expect(Math.abs(s.gradNorm - c.gradNorm)).toBeLessThanOrEqual(1e-3 * Math.abs(c.gradNorm) + 1e-9);
      expect(s.expertLoad).toEqual(c.expertLoad);
    });
    expect(Math.abs(gpu.summary.heldOutLossAfter - cpu.summary.heldOutLossAfter)).toBeLessThanOrEqual(1e-4 * cpu.summary.heldOutLossAfter);
    expect(gpu.summary.heldOutLossAfter).toBeLessThan(gpu.summary.heldOutLossBefore);

    // auto: Dawn's adapter here is SwiftShader (a software renderer), where the CPU trainer is faster.
    const auto = await run('auto');
    if (ctx!.caps.isFallbackAdapter) expect(auto.summary.device).toBe('CPU (f64 reference, faster than the software GPU adapter)');
    else expect(auto.summary.device).toMatch(/^WebGPU/);
  });
});
