// The differentiable model against PyTorch / HF autograd (goldens), central finite differences
// in f64 on random coordinates, and the inference engine's forward.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../core/cpu-backend';
import { checkGradientAsync, sampleCoords } from '../../core/grad/finite-diff';
import { Rng } from '../../core/rng';
import { CpuTrainBackend } from '../../core/train/cpu-train-backend';
import { loadFixture } from '../testing/fixtures';
import { Transformer } from '../transformer';
import { TrainableModel, type ObjectiveOptions } from './model';
import { ParamSet, type TrainScope } from './params';

interface GradGolden {
  full?: number[];
  sumsq?: number;
  head?: number[];
}
const goldens = JSON.parse(readFileSync(new URL('./fixtures/train_goldens.json', import.meta.url), 'utf8')) as {
  batch: number[][];
  coef: number;
  models: Record<string, { loss: number; auxLoss: number; lmLoss: number; grads: Record<string, GradGolden> }>;
};
const be = new CpuTrainBackend();
const batch = goldens.batch.map((s) => Int32Array.from(s));
const NAMES = ['qwen2_moe', 'qwen2_moe_norm', 'mixtral'] as const;

async function setup(name: (typeof NAMES)[number], scope: TrainScope) {
  const fx = loadFixture(name);
  const params = await ParamSet.load(be, fx.weights, scope);
  return { fx, params, model: new TrainableModel(be, params) };
}

const scored = batch.reduce((a, s) => a + s.length - 1, 0);
const obj = (o: Partial<ObjectiveOptions> = {}): ObjectiveOptions => ({ lmScale: 1 / scored, auxWeight: 1, balanceCoef: goldens.coef, zLossCoef: 0, ...o });

describe('TrainableModel vs HF transformers autograd', () => {
  for (const name of NAMES) {
    it(`${name}: loss, load-balancing loss and every parameter's gradient`, async () => {
      const { params, model } = await setup(name, 'all');
      const g = goldens.models[name];
      const r = await model.step(batch, obj());
      expect(Math.abs(r.objective - g.loss)).toBeLessThan(2e-6);
      expect(Math.abs(r.balance - g.auxLoss)).toBeLessThan(2e-6);
      expect(Math.abs(r.nllSum / r.scored - g.lmLoss)).toBeLessThan(2e-6);
      for (const [pname, gg] of Object.entries(g.grads)) {
        const got = await be.read(params.get(pname).grad!);
        if (gg.full) {
          gg.full.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-6 + 1e-4 * Math.abs(v)));
        } else {
          const ss = got.reduce((a, v) => a + v * v, 0);
          expect(Math.abs(ss - gg.sumsq!)).toBeLessThanOrEqual(1e-4 * gg.sumsq! + 1e-12);
          gg.head!.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-6 + 1e-4 * Math.abs(v)));
        }
      }
    });
  }

  it('the forward equals the inference engine (per-token NLL)', async () => {
    const { fx, model } = await setup('qwen2_moe', 'router');
    const ref = await new Transformer(new CpuBackend(), fx.weights).nll(batch);
    const r = await model.step(batch, obj(), false);
    const refSum = ref.reduce((a, row) => a + row.slice(0, -1).reduce((x, y) => x + y, 0), 0);
    expect(Math.abs(r.nllSum - refSum) / scored).toBeLessThan(1e-5);
  });
});

describe('full-model gradient vs central finite differences (f64)', () => {
  for (const name of NAMES) {
    it(`${name}: router weights and sampled coordinates of every tensor kind, with z-loss`, async () => {
      const { params, model } = await setup(name, 'all');
      const o = obj({ balanceCoef: 0.3, zLossCoef: 0.05 });
      await model.step(batch, o);
      const rng = new Rng(11);
      const f = async (): Promise<number> => (await model.step(batch, o, false)).objective;
      let worst = 0;
      const picks = [...params.params.values()].filter((p) => p.name.includes('gate.weight') || rng.next() < 0.35);
      for (const p of picks) {
        const value = p.value.data;
        const grad = p.grad!.data;
        const coords = sampleCoords(rng, value.length, p.name.includes('gate.weight') ? 24 : 4);
        const chk = await checkGradientAsync(f, value, grad, coords);
        worst = Math.max(worst, chk.maxAbsErr);
      }
      expect(worst).toBeLessThan(1e-7);
    });
  }
});

describe('scopes and recomputation', () => {
  it('router-only computes only router gradients, equal to those of scope "all"; recompute is exact', async () => {
    const all = await setup('mixtral', 'all');
    const router = await setup('mixtral', 'router');
    const ree = await setup('mixtral', 'router+experts');
    await all.model.step(batch, obj());
    await router.model.step(batch, obj({ recompute: true }));
    await ree.model.step(batch, obj());
    expect(router.params.trainable().map((p) => p.name)).toEqual(['model.layers.0.block_sparse_moe.gate.weight', 'model.layers.1.block_sparse_moe.gate.weight']);
    for (const p of router.params.trainable()) {
      const a = await be.read(all.params.get(p.name).grad!);
      const b = await be.read(p.grad!);
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-12);
    }
    expect(ree.params.trainable().length).toBe(2 + 2 * 4 * 3);
    const recompute = await setup('qwen2_moe', 'all');
    const keep = await setup('qwen2_moe', 'all');
    await recompute.model.step(batch, obj({ recompute: true }));
    await keep.model.step(batch, obj());
    for (const p of keep.params.trainable()) expect(await be.read(recompute.params.get(p.name).grad!)).toEqual(await be.read(p.grad!));
  });
});
