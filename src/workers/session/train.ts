/**
 * Train-stage handler: router fine-tuning of a merged model (METHOD.md section 3) with the
 * trainer of src/model/train on the CPU training backend (f64), in the engine worker. Aborting
 * the call pauses; calling again for the same model resumes from the live trainer. The trained
 * weights replace the model's, so evaluation, routing and export see the trained router.
 */
import { InvalidArgumentError } from '../../core/errors';
import { CpuTrainBackend } from '../../core/train/cpu-train-backend';
import { trainWindows } from '../../core/train/data';
import { tokenStream } from '../../merge/calibrate';
import { Trainer } from '../../model/train/trainer';
import type { HandlerContext } from '../rpc';
import type { TrainRequest, TrainStep, TrainSummary } from '../studio-types';
import type { StudioSession } from './state';

/** Training tokens read per domain (train split) and held-out tokens per domain (validation split). */
const TRAIN_TOKENS = 16384;
const HELD_OUT_TOKENS = 1024;

interface LiveTrainer {
  trainer: Trainer<ReturnType<CpuTrainBackend['zeros']>>;
  request: TrainRequest;
  heldOut: Int32Array[];
  summary: TrainSummary;
}

const live = new WeakMap<StudioSession, Map<string, LiveTrainer>>();

async function streams(s: StudioSession, split: 'train' | 'validation', tokens: number): Promise<Int32Array[]> {
  const catalog = await s.deps.demo.catalog();
  const tok = s.sources[s.anchor].tokenizer;
  const out: Int32Array[] = [];
  for (const d of s.calibrationDomains) {
    const c = catalog.corpora.find((x) => x.domain === d && x.split === split);
    if (c) out.push(tokenStream(tok, await s.deps.demo.documents(c.path), tokens));
  }
  if (out.length === 0) throw new InvalidArgumentError(`There is no ${split} text for the calibration domains; training needs the built-in corpora.`);
  return out;
}

export async function train(s: StudioSession, req: TrainRequest, ctx: HandlerContext<TrainStep>): Promise<TrainSummary> {
  const entry = s.requireModel(req.model);
  if (!entry.weights.config.moe) throw new InvalidArgumentError(`${entry.built.label} is a dense model; pick a merged MoE to train its router.`);
  if (!(req.steps >= 1 && req.lr > 0 && req.batchTokens >= req.seqLen && req.seqLen >= 2)) {
    throw new InvalidArgumentError('Training needs steps >= 1, a learning rate > 0 and a token batch of at least one sequence.');
  }
  let map = live.get(s);
  if (!map) live.set(s, (map = new Map<string, LiveTrainer>()));
  let lt = map.get(req.model);
  const same = lt && JSON.stringify(lt.request) === JSON.stringify(req);
  if (!lt || !same) {
    const be = new CpuTrainBackend();
    const trainStreams = await streams(s, 'train', TRAIN_TOKENS);
    const heldOut = trainWindows(await streams(s, 'validation', HELD_OUT_TOKENS), req.seqLen);
    const trainer = await Trainer.create(be, entry.weights, trainStreams, {
      scope: req.scope, steps: req.steps, lr: req.lr, tokensPerStep: req.batchTokens, windowLength: req.seqLen,
      windowsPerMicroBatch: 4, balanceCoef: req.balanceCoef, seed: req.seed,
      schedule: req.warmupSteps > 0 ? { kind: 'cosine', warmupSteps: req.warmupSteps } : { kind: 'constant' },
    });
    const before = await trainer.evaluate(heldOut);
    lt = {
      trainer, request: req, heldOut,
      summary: { model: req.model, steps: 0, balancedAux: entry.built.topK, history: [], heldOutLossBefore: before.lmLoss, heldOutLossAfter: before.lmLoss },
    };
    map.set(req.model, lt);
  }
  const cur = lt;
  await cur.trainer.run({
    signal: ctx.signal,
    onStep: (e) => {
      const step: TrainStep = {
        step: e.step, lmLoss: e.lmLoss, auxLoss: e.auxLoss, gradNorm: e.gradNorm, lr: e.lr, tokensPerSec: e.tokensPerSec,
        expertLoad: e.expertLoad, routerEntropy: e.routerEntropy.reduce((a, b) => a + b, 0) / Math.max(1, e.routerEntropy.length),
      };
      cur.summary.history.push(step);
      ctx.progress(step);
    },
  });
  const after = await cur.trainer.evaluate(cur.heldOut);
  cur.summary.steps = cur.trainer.step;
  cur.summary.heldOutLossAfter = after.lmLoss;
  // The trained weights become the model's (evaluation, routing view, export).
  entry.weights = await cur.trainer.weights();
  entry.built = { ...entry.built, trained: cur.trainer.step > 0 };
  s.training.set(req.model, cur.summary);
  s.trainRequests.set(req.model, req);
  s.facts.balance = after.auxLoss / entry.built.topK;
  s.facts.heldOutLossDrop = cur.summary.heldOutLossBefore - after.lmLoss;
  return cur.summary;
}
