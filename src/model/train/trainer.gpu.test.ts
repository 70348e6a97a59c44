// The trainer on the WebGPU TrainBackend (f32) against the CPU TrainBackend (f64): the same
// steps on tiny MoE fixtures give the same per-step losses, gradient norms and parameters within
// f32 tolerance, for every training scope; resuming from a saved state on the GPU continues it.
import { describe, expect, it } from 'vitest';
import type { BackendTensor } from '../../core/backend';
import { CpuTrainBackend } from '../../core/train/cpu-train-backend';
import type { TrainBackend } from '../../core/train/train-backend';
import type { GpuContext } from '../../gpu/context';
import { useNodeGpu } from '../../gpu/testing/node-gpu';
import { WebGpuTrainBackend } from '../../gpu/webgpu-train-backend';
import { loadFixture, type FixtureName } from '../testing/fixtures';
import { toyDomains } from './testing/toy-family';
import { Trainer, type StepEvent, type TrainerConfig } from './trainer';
import type { TrainScope } from './params';

let ctx: GpuContext;
let gpu: WebGpuTrainBackend;

useNodeGpu(async (c) => {
  ctx = c;
  gpu = await WebGpuTrainBackend.create(ctx);
});

const streams = toyDomains(1500, 300).map((d) => d.train);
const STEPS = 4;
const config = (scope: TrainScope, recompute = false): Partial<TrainerConfig> => ({
  scope, recompute, steps: STEPS, tokensPerStep: 60, windowLength: 16, windowsPerMicroBatch: 2, lr: 3e-3,
  schedule: { kind: 'cosine', warmupSteps: 1, minRatio: 0.1 }, adamw: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 },
  zLossCoef: 1e-3, seed: 3,
});
// f32 against f64 over a few steps: losses and norms to 1e-4 relative; parameters to
// 2e-5 + 1e-3 |p| (AdamW moves each weight by about lr per step, so a relative error of the
// gradient shows up at most as a fraction of lr = 3e-3). Measured on SwiftShader: parameters
// within 3e-6, losses and norms within 2e-6 relative.
const LOSS_RTOL = 1e-4;
const PARAM_ATOL = 2e-5;
const PARAM_RTOL = 1e-3;

async function run<T extends BackendTensor>(be: TrainBackend<T>, name: FixtureName, scope: TrainScope, recompute = false) {
  const t = await Trainer.create(be, loadFixture(name).weights, streams, config(scope, recompute));
  const events: StepEvent[] = [];
  await t.run({ onStep: (e) => events.push(e) });
  return { events, state: await t.saveState() };
}

function expectClose(got: number, ref: number, rtol: number, what: string): void {
  expect(Math.abs(got - ref), `${what}: ${got} vs ${ref}`).toBeLessThanOrEqual(rtol * Math.abs(ref) + 1e-7);
}

describe('Trainer on WebGPU matches the CPU backend', () => {
  // The last case re-runs each layer's forward in the backward (activation recomputation).
  const cases: [FixtureName, TrainScope, boolean][] = [['qwen2_moe', 'router', false], ['mixtral', 'router', false], ['qwen2_moe_norm', 'router+experts', false], ['qwen2_moe', 'all', false], ['mixtral', 'all', true]];
  for (const [name, scope, recompute] of cases) {
    it(`${name}, scope ${scope}${recompute ? ', recompute' : ''}: ${STEPS} steps, same losses, gradient norms and parameters`, async () => {
      const cpu = await run(new CpuTrainBackend(), name, scope, recompute);
      const gp = await run(gpu, name, scope, recompute);
      expect(gp.events.map((e) => e.step)).toEqual([1, 2, 3, 4]);
      gp.events.forEach((e, i) => {
        const r = cpu.events[i];
        expectClose(e.lmLoss, r.lmLoss, LOSS_RTOL, `step ${e.step} LM loss`);
        expectClose(e.auxLoss, r.auxLoss, LOSS_RTOL, `step ${e.step} load balancing`);
        expectClose(e.zLoss, r.zLoss, 1e-3, `step ${e.step} z-loss`);
        expectClose(e.gradNorm, r.gradNorm, 1e-3, `step ${e.step} gradient norm`);
        expect(e.expertLoad).toEqual(r.expertLoad);
      });
      const names = Object.keys(cpu.state.params);
      expect(Object.keys(gp.state.params)).toEqual(names);
      let moved = 0;
      for (const k of names) {
        const [g, c] = [gp.state.params[k], cpu.state.params[k]];
        for (let i = 0; i < c.length; i++) {
          if (Math.abs(g[i] - c[i]) > PARAM_ATOL + PARAM_RTOL * Math.abs(c[i])) throw new Error(`${k}[${i}]: GPU ${g[i]} vs CPU ${c[i]}`);
        }
        moved += c.length;
      }
      expect(moved).toBeGreaterThan(0);
    });
  }

  it('GPU buffers stay bounded: a step releases every activation it allocates', async () => {
    const t = await Trainer.create(gpu, loadFixture('qwen2_moe_norm').weights, streams, config('all'));
    await t.trainStep();
    const live = ctx.pool.stats().live;
    await t.run({ untilStep: 3 });
    expect(ctx.pool.stats().live).toBe(live);
  });

  it('a GPU trainer resumed from a saved state ends where the uninterrupted one does', async () => {
    const w = loadFixture('qwen2_moe').weights;
    const straight = await Trainer.create(gpu, w, streams, config('router'));
    await straight.run();
    const first = await Trainer.create(gpu, w, streams, config('router'));
    await first.run({ untilStep: 2 });
    const resumed = await Trainer.create(gpu, w, streams, {}, await first.saveState());
    await resumed.run();
    const [a, b] = [await straight.saveState(), await resumed.saveState()];
    for (const k of Object.keys(a.params)) expect(b.params[k]).toEqual(a.params[k]);
  });
});
