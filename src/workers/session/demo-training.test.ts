// Issue "Router fine-tuning", acceptance on the built-in demo family (real models and corpora
// from public/demo, CPU engine): the Symphony MoE (anchor demo/base; experts the FFNs of
// demo/prose, code, math, speech, aligned to the anchor; SLERP backbone; top-2 of 4; routers from
// the calibration centroids of each expert's domain) trained router-only with the demo preset's
// settings for its first STEPS steps:
//   (a) the held-out mixed-domain LM loss (validation text of the four domains) goes down;
//   (b) the load-balancing term (HF form over all MoE layers; balanced value = top_k) on that
//       mixed held-out set ends within 10% of top_k;
//   (c) routing by domain: for each domain, the share of its routed slots sent to its own expert
//       is above chance (1/E of the slots, i.e. top_k/E of its tokens) in more than half of the
//       layers. The matrix is printed (docs/benchmarks.md records a run).
// The preset's constant learning rate and seeded data order make these steps exactly the first
// steps of its full run on the same model (docs/demo.md has the full run's numbers).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../core/cpu-backend';
import { CpuTrainBackend } from '../../core/train/cpu-train-backend';
import { trainWindows } from '../../core/train/data';
import { buildCalibration, tokenStream } from '../../merge/calibrate';
import { CheckpointWeights } from '../../merge/checkpoint-weights';
import { matchNeurons } from '../../merge/match';
import { MergedWeights } from '../../merge/merged-weights';
import { probe } from '../../merge/probe';
import { centroidRouters } from '../../merge/router-init';
import { routingByDomain } from '../../model/train/evaluate';
import { Trainer } from '../../model/train/trainer';
import { DEMO_PRESET } from '../../core/recipe/demo-preset';
import { nodeDemoAssets } from '../testing/demo-files';

/** Optimiser steps run here (the preset runs more; its lr is constant, so these are its first steps). */
const STEPS = 8;
const CALIBRATION_TOKENS = 256;
const TRAIN_TOKENS = 16384;
const HELD_OUT_TOKENS = 256;

describe('router fine-tuning on the demo family', () => {
  it('lowers held-out mixed loss, keeps load balancing near top_k and routes each domain to its expert', { timeout: 600_000 }, async () => {
    const demo = nodeDemoAssets();
    const cat = await demo.catalog();
    const ids = ['demo/base', 'demo/prose', 'demo/code', 'demo/math', 'demo/speech'];
    const domains = ids.slice(1).map((id) => cat.models.find((m) => m.id === id)!.domain);
    const ckpts = await Promise.all(ids.map((id) => demo.open(id, {})));
    const weights = ckpts.map((c) => new CheckpointWeights(c));
    const tok = ckpts[0].tokenizer();
    const text = (d: string, split: 'train' | 'validation') => demo.documents(cat.corpora.find((c) => c.domain === d && c.split === split)!.path);
    const { merge, train } = DEMO_PRESET;
    const seqLen = train.seqLen;
    const be = new CpuBackend();

    // Stage 1 as the studio runs it: calibration, probe, exact neuron matching, centroid routers.
    const cal = await buildCalibration(tok, await Promise.all(domains.map(async (name) => ({ name, documents: await text(name, 'train') }))), CALIBRATION_TOKENS, seqLen);
    const match = await matchNeurons(await probe(weights, cal.windows, { anchor: 0, residual: false }, { backend: be }), 0);
    const routers = await centroidRouters(weights[0], domains.map((_, d) => cal.windows.filter((_, i) => cal.domainOf[i] === d)), { backend: be });
    const E = domains.length;
    const k = merge.topK;
    const moe = new MergedWeights(weights, {
      anchor: 0, backbone: merge.backbone, perms: match.perms, router: (l) => routers[l],
      layout: { experts: [1, 2, 3, 4], topK: k, normTopkProb: merge.normTopkProb, sharedExpert: 'none' },
    });

    const trainStreams = await Promise.all(domains.map(async (d) => tokenStream(tok, await text(d, 'train'), TRAIN_TOKENS)));
    const heldStreams = await Promise.all(domains.map(async (d) => tokenStream(tok, await text(d, 'validation'), HELD_OUT_TOKENS)));
    const heldOut = trainWindows(heldStreams, seqLen);
    const trainer = await Trainer.create(new CpuTrainBackend(), moe, trainStreams, {
      scope: train.scope, steps: STEPS, lr: train.lr, tokensPerStep: train.batchTokens, windowLength: seqLen, windowsPerMicroBatch: 4,
      balanceCoef: train.balanceCoef, seed: train.seed, schedule: { kind: 'constant' },
    });
    const evalDomains = domains.map((name, d) => ({ name, tokens: heldStreams[d] }));
    const measure = async () => ({
      loss: await trainer.evaluate(heldOut),
      routing: await routingByDomain(be, await trainer.weights(), evalDomains, { windowLength: seqLen }),
    });
    const before = await measure();
    const steps: { lm: number; aux: number }[] = [];
    expect(await trainer.run({ onStep: (e) => steps.push({ lm: e.lmLoss, aux: e.auxLoss }) })).toEqual({ status: 'completed', step: STEPS });
    const after = await measure();

    const ownAboveChance = (m: typeof after.routing) => domains.map((_, d) => m.share.filter((layer) => layer[d][d] > 1 / E).length);
    const table = (m: typeof after.routing) => m.share.map((layer, l) => `layer ${m.layers[l]}: ` + layer.map((row, d) => `${domains[d]} [${row.map((v) => v.toFixed(2)).join(' ')}]`).join('  ')).join('\n');
    console.log([
      `held-out mixed LM loss ${before.loss.lmLoss.toFixed(4)} -> ${after.loss.lmLoss.toFixed(4)}; L_bal ${before.loss.auxLoss.toFixed(4)} -> ${after.loss.auxLoss.toFixed(4)} (balanced ${k})`,
      `steps (lm, aux): ${steps.map((s) => `${s.lm.toFixed(3)}/${s.aux.toFixed(3)}`).join(' ')}`,
      `routing share (experts ${domains.join(', ')}) before:\n${table(before.routing)}`,
      `after:\n${table(after.routing)}`,
      `layers where own expert > chance, per domain: before ${ownAboveChance(before.routing).join(' ')}, after ${ownAboveChance(after.routing).join(' ')}`,
    ].join('\n'));

    // (a)
    expect(after.loss.lmLoss).toBeLessThan(before.loss.lmLoss);
    // (b) HF load_balancing_loss_func: E * sum_e f_e P_e with f summing to top_k: k when balanced.
    expect(Math.abs(after.loss.auxLoss - k) / k).toBeLessThan(0.1);
    // (c)
    expect(after.routing.layers).toHaveLength(4);
    for (const n of ownAboveChance(after.routing)) expect(n).toBeGreaterThan(after.routing.layers.length / 2);
  });
});
