// The training loop: exact resume from a serialised state, pause through an AbortSignal, event
// contents, and the acceptance checks on a miniature demo family (router-only training lowers
// held-out mixed-domain loss, load balancing ends near top_k, routing follows the domain).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../core/cpu-backend';
import { trainWindows } from '../../core/train/data';
import { CpuTrainBackend } from '../../core/train/cpu-train-backend';
import { loadFixture } from '../testing/fixtures';
import { perplexityTable, routingByDomain } from './evaluate';
import { buildToyFamily, toyDomains } from './testing/toy-family';
import { Trainer, type StepEvent, type TrainerConfig } from './trainer';
import { decodeTrainerState, encodeTrainerState } from './trainer-state';

const be = new CpuTrainBackend();
const domains = toyDomains(1500, 300);
const streams = domains.map((d) => d.train);
const config: Partial<TrainerConfig> = {
  scope: 'router+experts', steps: 6, tokensPerStep: 40, windowLength: 11, windowsPerMicroBatch: 2, lr: 5e-3,
  schedule: { kind: 'cosine', warmupSteps: 2, minRatio: 0.1 }, adamw: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 },
  zLossCoef: 1e-3, seed: 5,
};

describe('Trainer', () => {
  it('train 6 steps = train 3, serialise, deserialise, train 3 more (identical parameters)', async () => {
    const w = loadFixture('qwen2_moe').weights;
    const straight = await Trainer.create(be, w, streams, config);
    expect(await straight.run()).toEqual({ status: 'completed', step: 6 });
    const first = await Trainer.create(be, w, streams, config);
    await first.run({ untilStep: 3 });
    const text = encodeTrainerState(await first.saveState());
    const resumed = await Trainer.create(be, w, streams, {}, decodeTrainerState(text));
    expect(resumed.step).toBe(3);
    await resumed.run();
    const a = await straight.saveState();
    const b = await resumed.saveState();
    expect(b.step).toBe(6);
    expect(b.cursor).toEqual(a.cursor);
    for (const k of Object.keys(a.params)) {
      expect(b.params[k]).toEqual(a.params[k]);
      expect(b.m[k]).toEqual(a.m[k]);
      expect(b.v[k]).toEqual(a.v[k]);
    }
  });

  it('pauses on abort (between and within steps) and resumes to the same result; events are well-formed', async () => {
    const w = loadFixture('mixtral').weights;
    const straight = await Trainer.create(be, w, streams, config);
    const events: StepEvent[] = [];
    await straight.run({ onStep: (e) => events.push(e) });
    const t = await Trainer.create(be, w, streams, config);
    const ctl = new AbortController();
    expect(await t.run({ signal: ctl.signal, onStep: (e) => e.step === 2 && ctl.abort() })).toEqual({ status: 'paused', step: 2 });
    expect(await t.trainStep(ctl.signal)).toBeNull(); // aborted mid-step: nothing changes
    expect(t.step).toBe(2);
    await t.run();
    expect((await t.saveState()).params).toEqual((await straight.saveState()).params);
    expect(events.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const e of events) {
      expect(e.expertLoad).toHaveLength(2);
      for (const row of e.expertLoad) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      for (const h of e.routerEntropy) {
        expect(h).toBeGreaterThanOrEqual(0);
        expect(h).toBeLessThanOrEqual(Math.log(4) + 1e-12);
      }
      expect(e.loss).toBeCloseTo(e.lmLoss + 0.01 * e.auxLoss + 1e-3 * e.zLoss, 12);
      expect(e.gradNorm).toBeGreaterThan(0);
      expect(e.tokensPerSec).toBeGreaterThan(0);
      expect(e.tokens).toBeGreaterThanOrEqual(44);
    }
    expect(events[0].lr).toBeCloseTo(2.5e-3, 12);
    expect(structuredClone(events[0])).toEqual(events[0]);
  });
});

describe('router-only training on a miniature demo family', () => {
  it('lowers held-out mixed loss, ends with load balancing near top_k, and routes domains to their experts', async () => {
    const fam = await buildToyFamily(be, { sourceSteps: 40 });
    const held = trainWindows(fam.domains.map((d) => d.heldOut), 32);
    const t = await Trainer.create(be, fam.moe, fam.domains.map((d) => d.train), {
      steps: 60, tokensPerStep: 124, windowLength: 32, windowsPerMicroBatch: 4, lr: 1e-2, seed: 1,
    });
    const before = await t.evaluate(held);
    await t.run();
    const after = await t.evaluate(held);
    expect(after.lmLoss).toBeLessThan(before.lmLoss - 0.5);
    expect(Math.abs(after.auxLoss - 1)).toBeLessThan(0.1); // top_k = 1
    const cpu = new CpuBackend();
    const ev = fam.domains.map((d) => ({ name: d.name, tokens: d.heldOut }));
    const m = await routingByDomain(cpu, await t.weights(), ev, { windowLength: 32 });
    expect(m.layers).toEqual([0, 1]);
    const favoursOwn = m.share.filter((layer) => layer.every((row, d) => row[d] === Math.max(...row))).length;
    expect(favoursOwn).toBeGreaterThanOrEqual(Math.ceil(m.layers.length / 2));
    const table = await perplexityTable(cpu, [{ name: 'add source', weights: fam.sources[0] }, { name: 'moe', weights: await t.weights() }], ev, { windowLength: 32 });
    expect(table.map((r) => r.results.map((x) => x.domain))).toEqual([['add', 'mul'], ['add', 'mul']]);
    expect(table[0].results[0].tokens).toBe(table[1].results[0].tokens);
    expect(table[0].results[0].perplexity).toBeLessThan(table[0].results[1].perplexity);
  }, 120_000);
});
