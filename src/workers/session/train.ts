/**
 * Train-stage handler: router fine-tuning of a merged model (METHOD.md section 3) with the
 * trainer of src/model/train in the engine worker, on WebGPU (f32) or the CPU reference backend
 * (f64) as the request's device says (trainDevice). Aborting
 * the call pauses; calling again with the same request resumes from the live trainer (`fresh`
 * starts over from the merged weights). Every `checkpointEvery` steps, on pause and at the end,
 * the trainer state (parameters, AdamW moments, step, data cursor) is written to the stage
 * cache, so a fresh worker resumes from the last checkpointed step (restoreTraining). Stopping
 * keeps the steps done (the run ends there) or discards the run. The trained weights replace
 * the model's, so evaluation, routing and export see the trained router.
 */
import { AbortedError, InvalidArgumentError } from '../../core/errors';
import { CpuTrainBackend } from '../../core/train/cpu-train-backend';
import { trainWindows } from '../../core/train/data';
import { StaleStageError } from '../../io/stage-store';
import { tokenStream } from '../../merge/calibrate';
import { Trainer, type TrainerState } from '../../model/train/trainer';
import type { HandlerContext } from '../rpc';
import type { BackendTensor } from '../../core/backend';
import type { TrainDevice, TrainRequest, TrainStep, TrainSummary } from '../studio-types';
import { fits } from './stage-cache';
import { saveStage, trainKey } from './stage-keys';
import type { ModelEntry, StudioSession, TrainDeviceChoice } from './state';

/** Training tokens read per domain (train split) and held-out tokens per domain (validation split). */
const TRAIN_TOKENS = 16384;
const HELD_OUT_TOKENS = 1024;
export const DEFAULT_CHECKPOINT_EVERY = 5;

interface LiveTrainer {
  trainer: Trainer<BackendTensor>;
  entry: ModelEntry;
  request: TrainRequest;
  heldOut: Int32Array[];
  summary: TrainSummary;
  /** Ended by the user with the steps done kept (not resumable). */
  finished: boolean;
  /** Why the last checkpoint was not cached (shown with every later step), or undefined. */
  checkpointWarning?: string;
}

/** A trainer checkpoint in the stage cache. */
export interface CachedTraining {
  request: TrainRequest;
  state: TrainerState;
  summary: TrainSummary;
  finished: boolean;
}

const live = new WeakMap<StudioSession, Map<string, LiveTrainer>>();

function liveOf(s: StudioSession): Map<string, LiveTrainer> {
  let map = live.get(s);
  if (!map) live.set(s, (map = new Map<string, LiveTrainer>()));
  return map;
}

/** Two requests describe the same run (the checkpoint interval and `fresh` do not count). */
const sameRun = (a: TrainRequest, b: TrainRequest): boolean => {
  const strip = ({ checkpointEvery: _c, fresh: _f, ...rest }: TrainRequest) => ({ ...rest, device: rest.device ?? 'auto' });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
};

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

/** The CPU reference training backend (f64); `why` is appended to its label. */
export const cpuTrainDevice = (why: string): TrainDeviceChoice => ({
  backend: new CpuTrainBackend(), label: `CPU (f64 reference${why})`,
});

/** The training backend for the request's device; without a device provider, the CPU reference. */
async function trainDevice(s: StudioSession, device: TrainDevice): Promise<TrainDeviceChoice> {
  if (s.deps.trainBackend) return s.deps.trainBackend(device);
  if (device === 'webgpu') throw new InvalidArgumentError('This engine runs on the CPU backend, so training cannot run on WebGPU; choose the CPU (or auto) device.');
  return cpuTrainDevice('');
}

async function newTrainer(s: StudioSession, entry: ModelEntry, req: TrainRequest, state?: TrainerState): Promise<Pick<LiveTrainer, 'trainer' | 'heldOut'> & { device: string }> {
  const trainStreams = await streams(s, 'train', TRAIN_TOKENS);
  const heldOut = trainWindows(await streams(s, 'validation', HELD_OUT_TOKENS), req.seqLen);
  const dev = await trainDevice(s, req.device ?? 'auto');
  const trainer = await Trainer.create(dev.backend, entry.untrained ?? entry.weights, trainStreams, {
    scope: req.scope, steps: req.steps, lr: req.lr, tokensPerStep: req.batchTokens, windowLength: req.seqLen,
    windowsPerMicroBatch: 4, balanceCoef: req.balanceCoef, seed: req.seed,
    schedule: req.warmupSteps > 0 ? { kind: 'cosine', warmupSteps: req.warmupSteps } : { kind: 'constant' },
  }, state);
  return { trainer, heldOut, device: dev.label };
}

/** Drop a live run, freeing its trainer's tensors (GPU memory on WebGPU). */
function dropLive(map: Map<string, LiveTrainer>, model: string): void {
  map.get(model)?.trainer.dispose();
  map.delete(model);
}

/** Per-step expert loads are kept for the last step only (as the UI persists them). */
const light = (h: TrainStep[]): TrainStep[] => h.map((x, i) => (i === h.length - 1 ? x : { ...x, expertLoad: [] }));

async function checkpoint(s: StudioSession, lt: LiveTrainer): Promise<void> {
  const key = trainKey(s, lt.request.model);
  if (!s.deps.stages || !key) return;
  const value: CachedTraining = {
    request: lt.request, state: await lt.trainer.saveState(), summary: { ...lt.summary, history: light(lt.summary.history) }, finished: lt.finished,
  };
  const saved = await saveStage(s, 'train', key, value);
  lt.checkpointWarning = saved === false
    ? `The trainer state at step ${value.state.step} did not fit the stage cache (its bound or the browser's quota); a reload will not resume this run from there. Train fewer parameters, or keep the tab open.`
    : undefined;
}

/** The trained weights become the model's (evaluation, routing view, export). */
async function adopt(s: StudioSession, lt: LiveTrainer): Promise<TrainSummary> {
  lt.summary.steps = lt.trainer.step;
  lt.summary.checkpointWarning = lt.checkpointWarning;
  lt.entry.weights = lt.trainer.step > 0 ? await lt.trainer.weights() : lt.entry.untrained ?? lt.entry.weights;
  lt.entry.built = { ...lt.entry.built, trained: lt.trainer.step > 0 };
  s.training.set(lt.request.model, lt.summary);
  s.trainRequests.set(lt.request.model, lt.request);
  return lt.summary;
}

export async function train(s: StudioSession, req: TrainRequest, ctx: HandlerContext<TrainStep>): Promise<TrainSummary> {
  const entry = s.requireModel(req.model);
  if (!entry.weights.config.moe) throw new InvalidArgumentError(`${entry.built.label} is a dense model; pick a merged MoE to train its router.`);
  if (!(req.steps >= 1 && req.lr > 0 && req.batchTokens >= req.seqLen && req.seqLen >= 2)) {
    throw new InvalidArgumentError('Training needs steps >= 1, a learning rate > 0 and a token batch of at least one sequence.');
  }
  const map = liveOf(s);
  let lt = map.get(req.model);
  if (!lt || req.fresh || lt.entry !== entry || !sameRun(lt.request, req)) {
    dropLive(map, req.model);
    const { trainer, heldOut, device } = await newTrainer(s, entry, req);
    const before = await trainer.evaluate(heldOut);
    lt = {
      trainer, entry, request: req, heldOut, finished: false,
      summary: { model: req.model, steps: 0, balancedAux: entry.built.topK, device, history: [], heldOutLossBefore: before.lmLoss, heldOutLossAfter: before.lmLoss },
    };
    map.set(req.model, lt);
  }
  const cur = lt;
  cur.finished = false;
  const every = Math.max(1, Math.floor(req.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY));
  const onStep = (e: { step: number; lmLoss: number; auxLoss: number; gradNorm: number; lr: number; tokensPerSec: number; expertLoad: number[][]; routerEntropy: number[] }) => {
    const step: TrainStep = {
      step: e.step, device: cur.summary.device, checkpointWarning: cur.checkpointWarning, lmLoss: e.lmLoss, auxLoss: e.auxLoss, gradNorm: e.gradNorm, lr: e.lr, tokensPerSec: e.tokensPerSec,
      expertLoad: e.expertLoad, routerEntropy: e.routerEntropy.reduce((a, b) => a + b, 0) / Math.max(1, e.routerEntropy.length),
    };
    cur.summary.history = [...cur.summary.history.filter((h) => h.step < step.step), step];
    ctx.progress(step);
  };
  for (;;) {
    const from = cur.trainer.step;
    const r = await cur.trainer.run({ signal: ctx.signal, onStep, untilStep: from + every });
    cur.summary.steps = cur.trainer.step;
    if (cur.trainer.step > from) await checkpoint(s, cur);
    if (r.status === 'paused' || cur.trainer.step >= cur.trainer.config.steps) break;
  }
  cur.summary.heldOutLossAfter = (await cur.trainer.evaluate(cur.heldOut)).lmLoss;
  const summary = await adopt(s, cur);
  // A pause answers as a cancellation (the caller's call was aborted); the run stays resumable.
  if (ctx.signal.aborted) throw new AbortedError(`Training paused at step ${summary.steps}; resume it with the same settings.${cur.checkpointWarning ? ` ${cur.checkpointWarning}` : ''}`);
  return summary;
}

/**
 * End the model's run: `keep` ends it at the steps done (they stay in the model and the cache;
 * Resume is no longer offered); otherwise the run is dropped, from the engine and the cache, and
 * the model is back to its merged weights. Returns the kept summary, or null.
 */
export async function stopTraining(s: StudioSession, p: { model: string; keep: boolean }): Promise<TrainSummary | null> {
  const entry = s.requireModel(p.model);
  const map = liveOf(s);
  const lt = map.get(p.model);
  if (!p.keep) {
    dropLive(map, p.model);
    const key = await trainKey(s, p.model);
    if (key) await s.deps.stages?.delete(key);
    entry.weights = entry.untrained ?? entry.weights;
    entry.built = { ...entry.built, trained: false };
    s.training.delete(p.model);
    s.trainRequests.delete(p.model);
    return null;
  }
  if (!lt || lt.entry !== entry) throw new InvalidArgumentError(`There is no training run of "${p.model}" to keep; start one in the Train stage.`);
  lt.finished = true;
  lt.summary.heldOutLossAfter = (await lt.trainer.evaluate(lt.heldOut)).lmLoss;
  await checkpoint(s, lt);
  return adopt(s, lt);
}

export interface RestoredTraining {
  summary: TrainSummary;
  request: TrainRequest;
  /** Steps planned; the run resumes when step < totalSteps and it was not finished. */
  totalSteps: number;
  finished: boolean;
}

/** Rebuild the model's trainer from its last checkpoint (null when none is cached). */
export async function restoreTraining(s: StudioSession, model: string): Promise<RestoredTraining | null> {
  const key = await trainKey(s, model);
  const cache = s.deps.stages;
  const entry = s.models.get(model);
  if (!cache || !key || !entry) return null;
  return cache.restore('train', key, async (v) => {
    const c = v as CachedTraining;
    fits(Boolean(c?.state && c.request?.model === model && c.summary), `The cached training of ${model} is incomplete`);
    fits(c.summary.steps === c.state.step, `The cached training of ${model} is at step ${c.state.step} but says ${c.summary.steps}`);
    // Trainer.create checks that every trainable parameter is in the state with its shape.
    const { trainer, heldOut, device } = await newTrainer(s, entry, c.request, c.state).catch((e: unknown) => {
      throw new StaleStageError(`The cached training of ${model} does not fit the model (${e instanceof Error ? e.message : String(e)}); it was dropped.`);
    });
    const lt: LiveTrainer = { trainer, entry, request: c.request, heldOut, summary: { ...c.summary, device }, finished: c.finished };
    dropLive(liveOf(s), model);
    liveOf(s).set(model, lt);
    await adopt(s, lt);
    return { summary: lt.summary, request: c.request, totalSteps: trainer.config.steps, finished: c.finished };
  });
}
