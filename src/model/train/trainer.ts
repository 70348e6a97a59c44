/**
 * The router fine-tuning loop (METHOD.md section 3, Stage 2) over a TrainBackend: seeded data
 * order, gradient accumulation to a token batch, LM + lambda * load-balancing (+ optional router
 * z-loss) objective, global gradient-norm clipping, AdamW with a constant or warmup + cosine
 * learning rate, per-step events, pause / resume / cancel through an AbortSignal, and a
 * serialisable state from which a reload continues exactly (bit-identical parameters).
 *
 * One step: windows are drawn until their scored predictions reach tokensPerStep (N); they run
 * in micro-batches of windowsPerMicroBatch; micro-batch m contributes
 *   (1 / N) sum nll + (N_m / N) (balanceCoef L_bal,m + zLossCoef L_z,m)
 * so the step's objective is the token-weighted mean (as HF with equal micro-batches). Then the
 * global norm of all trainable gradients is taken, clipped, and AdamW updates them (weight
 * decay only on matrices). Aborting between micro-batches drops the partial step: gradients are
 * cleared and the data cursor rewinds, so the state always sits on a step boundary.
 * Events and the state are plain structured-clone data (the engine worker posts them).
 */
import type { BackendTensor } from '../../core/backend';
import { InvalidArgumentError } from '../../core/errors';
import { microBatches, trainWindows, WindowSampler, type DataCursor } from '../../core/train/data';
import type { Route64 } from '../../core/grad/router';
import { expertLoad, loadBalancingLoss, routerEntropy } from '../../core/train/losses';
import { clipFactor, DEFAULT_ADAMW, learningRate, type AdamWOptions, type LrSchedule } from '../../core/train/optim';
import type { TrainBackend } from '../../core/train/train-backend';
import type { MemoryWeights, WeightProvider } from '../weights';
import { TrainableModel, type MicroBatchResult } from './model';
import { ParamSet, type TrainScope } from './params';

export interface TrainerConfig {
  scope: TrainScope;
  /** Total optimiser steps. */
  steps: number;
  /** Scored predictions per optimiser step (the token batch; gradients accumulate to it). */
  tokensPerStep: number;
  windowLength: number;
  windowsPerMicroBatch: number;
  lr: number;
  schedule: LrSchedule;
  adamw: AdamWOptions;
  /** Global gradient-norm clip; null disables. */
  clipNorm: number | null;
  /** lambda of the load-balancing term (METHOD.md: 0.01). */
  balanceCoef: number;
  /** Router z-loss coefficient (0: off). */
  zLossCoef: number;
  seed: number;
  /** Re-run each layer's forward in the backward instead of keeping its activations. */
  recompute: boolean;
  vocabChunk: number;
}

export const DEFAULT_TRAINER_CONFIG: TrainerConfig = {
  scope: 'router', steps: 100, tokensPerStep: 2048, windowLength: 128, windowsPerMicroBatch: 4,
  lr: 1e-3, schedule: { kind: 'constant' }, adamw: DEFAULT_ADAMW, clipNorm: 1, balanceCoef: 0.01,
  zLossCoef: 0, seed: 0, recompute: false, vocabChunk: 4096,
};

export interface StepEvent {
  /** Completed optimiser steps (1-based). */
  step: number;
  totalSteps: number;
  /** Token-weighted mean NLL of the step's predictions (nats). */
  lmLoss: number;
  /** Load-balancing loss L_bal (k at perfect balance), token-weighted over micro-batches. */
  auxLoss: number;
  zLoss: number;
  /** The optimised objective: lmLoss + balanceCoef * auxLoss + zLossCoef * zLoss. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  lr: number;
  /** Input tokens of the step, and their rate over the step's wall time. */
  tokens: number;
  tokensPerSec: number;
  /** [layer][expert]: share of (token, choice) slots (MoE layers only, in layer order). */
  expertLoad: number[][];
  /** [layer]: mean routing entropy in nats (ln E is uniform). */
  routerEntropy: number[];
}

export interface TrainerState {
  version: 1;
  config: TrainerConfig;
  step: number;
  cursor: DataCursor;
  /** Trainable parameters and their AdamW moments, by HF name. */
  params: Record<string, Float64Array>;
  m: Record<string, Float64Array>;
  v: Record<string, Float64Array>;
}

export interface RunOptions {
  signal?: AbortSignal;
  onStep?: (e: StepEvent) => void;
  /** Stop after this many completed steps (default: config.steps). */
  untilStep?: number;
}

export type RunStatus = { status: 'completed' | 'paused'; step: number };

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class Trainer<T extends BackendTensor> {
  private stepsDone = 0;
  private readonly moments = new Map<string, { m: T; v: T }>();

  private constructor(
    readonly be: TrainBackend<T>,
    readonly config: TrainerConfig,
    readonly params: ParamSet<T>,
    readonly model: TrainableModel<T>,
    readonly sampler: WindowSampler,
  ) {
    for (const p of params.trainable()) this.moments.set(p.name, { m: be.zeros(p.shape), v: be.zeros(p.shape) });
  }

  /**
   * A trainer over the model `weights` and training token streams (one per domain, mixed by the
   * seeded window order). With `state`, continue exactly where that state was saved.
   */
  static async create<T extends BackendTensor>(
    be: TrainBackend<T>, weights: WeightProvider, trainStreams: Int32Array[], config: Partial<TrainerConfig> = {}, state?: TrainerState,
  ): Promise<Trainer<T>> {
    const cfg: TrainerConfig = state ? { ...state.config } : { ...DEFAULT_TRAINER_CONFIG, ...config };
    if (!(cfg.tokensPerStep >= 1) || !(cfg.steps >= 0) || !(cfg.lr >= 0)) throw new InvalidArgumentError('tokensPerStep must be >= 1, steps and lr >= 0');
    const params = await ParamSet.load(be, weights, cfg.scope);
    const sampler = new WindowSampler(trainWindows(trainStreams, cfg.windowLength), cfg.seed);
    const t = new Trainer(be, cfg, params, new TrainableModel(be, params), sampler);
    if (state) t.restore(state);
    return t;
  }

  get step(): number {
    return this.stepsDone;
  }

  private restore(s: TrainerState): void {
    if (s.version !== 1) throw new InvalidArgumentError(`trainer state version ${String(s.version)} is not supported`);
    for (const p of this.params.trainable()) {
      const mo = this.moments.get(p.name)!;
      if (!s.params[p.name] || !s.m[p.name] || !s.v[p.name]) throw new InvalidArgumentError(`trainer state lacks "${p.name}"; it was saved for another model or scope`);
      this.be.write(p.value, s.params[p.name]);
      this.be.write(mo.m, s.m[p.name]);
      this.be.write(mo.v, s.v[p.name]);
    }
    this.stepsDone = s.step;
    this.sampler.restore(s.cursor);
  }

  /** Free the parameters, gradients and AdamW moments on the backend (GPU memory). */
  dispose(): void {
    for (const mo of this.moments.values()) this.be.release(mo.m, mo.v);
    this.moments.clear();
    this.params.dispose();
  }

  async saveState(): Promise<TrainerState> {
    const s: TrainerState = { version: 1, config: structuredClone(this.config), step: this.stepsDone, cursor: this.sampler.save(), params: {}, m: {}, v: {} };
    for (const p of this.params.trainable()) {
      const mo = this.moments.get(p.name)!;
      s.params[p.name] = await this.be.read(p.value);
      s.m[p.name] = await this.be.read(mo.m);
      s.v[p.name] = await this.be.read(mo.v);
    }
    return s;
  }

  /** The current weights as an f32 provider (evaluation on the inference engine, export). */
  weights(): Promise<MemoryWeights> {
    return this.params.toWeights();
  }

  /** One optimiser step; null when `signal` fired mid-step (nothing changed). */
  async trainStep(signal?: AbortSignal): Promise<StepEvent | null> {
    const c = this.config;
    const t0 = now();
    const cursor = this.sampler.save();
    const windows = this.sampler.nextStep(c.tokensPerStep);
    const N = windows.reduce((a, w) => a + w.length - 1, 0);
    this.params.zeroGrads();
    const results: MicroBatchResult[] = [];
    for (const mb of microBatches(windows, c.windowsPerMicroBatch)) {
      if (signal?.aborted) {
        this.params.zeroGrads();
        this.sampler.restore(cursor);
        return null;
      }
      const scored = mb.reduce((a, w) => a + w.length - 1, 0);
      results.push(await this.model.step(mb, {
        lmScale: 1 / N, auxWeight: scored / N, balanceCoef: c.balanceCoef, zLossCoef: c.zLossCoef, vocabChunk: c.vocabChunk, recompute: c.recompute,
      }));
    }
    let sq = 0;
    for (const p of this.params.trainable()) sq += await this.be.sumSquares(p.grad!);
    const gradNorm = Math.sqrt(sq);
    const lr = learningRate(c.schedule, c.lr, this.stepsDone, c.steps);
    const gradScale = clipFactor(gradNorm, c.clipNorm);
    for (const p of this.params.trainable()) {
      const mo = this.moments.get(p.name)!;
      this.be.adamw(p.value, p.grad!, mo.m, mo.v, { ...c.adamw, weightDecay: p.decay ? c.adamw.weightDecay : 0, lr, step: this.stepsDone + 1, gradScale });
    }
    this.stepsDone++;
    const dt = (now() - t0) / 1000;
    const s = summarise(results, N, c);
    return { ...s, step: this.stepsDone, totalSteps: c.steps, gradNorm, lr, tokensPerSec: dt > 0 ? s.tokens / dt : 0 };
  }

  /** Train until untilStep (default: all steps) or until `signal` fires ('paused'). */
  async run(o: RunOptions = {}): Promise<RunStatus> {
    const until = Math.min(o.untilStep ?? this.config.steps, this.config.steps);
    while (this.stepsDone < until) {
      if (o.signal?.aborted) return { status: 'paused', step: this.stepsDone };
      const e = await this.trainStep(o.signal);
      if (!e) return { status: 'paused', step: this.stepsDone };
      o.onStep?.(e);
    }
    return { status: 'completed', step: this.stepsDone };
  }

  /** Forward-only loss on held-out windows: mean NLL, load balancing over all of them, z-loss. */
  async evaluate(windows: Int32Array[]): Promise<{ lmLoss: number; auxLoss: number; zLoss: number }> {
    const N = windows.reduce((a, w) => a + w.length - 1, 0);
    const results: MicroBatchResult[] = [];
    for (const mb of microBatches(windows, this.config.windowsPerMicroBatch)) {
      results.push(await this.model.step(mb, { lmScale: 1 / N, auxWeight: 0, balanceCoef: 0, zLossCoef: 0, vocabChunk: this.config.vocabChunk }, false));
    }
    const s = summarise(results, N, this.config);
    // L_bal is not additive over batches: take it over all held-out rows at once (as HF over
    // one batch holding every window), so single-domain micro-batches do not inflate it.
    const routes = results.flatMap((r) => r.routes.filter((x): x is Route64 => x !== null));
    return { lmLoss: s.lmLoss, auxLoss: loadBalancingLoss(routes).value, zLoss: s.zLoss };
  }
}

function summarise(results: MicroBatchResult[], N: number, c: TrainerConfig): Omit<StepEvent, 'step' | 'totalSteps' | 'gradNorm' | 'lr' | 'tokensPerSec'> {
  let nll = 0;
  let aux = 0;
  let z = 0;
  let tokens = 0;
  const layers = results[0]?.routes.map((r, l) => ({ l, r })).filter((x) => x.r !== null).map((x) => x.l) ?? [];
  const load = layers.map(() => [] as number[]);
  const entropy = layers.map(() => 0);
  for (const r of results) {
    nll += r.nllSum;
    aux += (r.scored / N) * r.balance;
    z += (r.scored / N) * r.zLoss;
    tokens += r.tokens;
    layers.forEach((l, i) => {
      const route = r.routes[l]!;
      const f = expertLoad(route);
      // Token-weighted over micro-batches (each load sums to 1, so the mixture does too).
      f.forEach((v, e) => (load[i][e] = (load[i][e] ?? 0) + v * route.tokens));
      entropy[i] += routerEntropy(route) * route.tokens;
    });
  }
  const lmLoss = N > 0 ? nll / N : NaN;
  return {
    lmLoss, auxLoss: aux, zLoss: z, loss: lmLoss + c.balanceCoef * aux + c.zLossCoef * z, tokens,
    expertLoad: load.map((row) => row.map((v) => v / tokens)),
    routerEntropy: entropy.map((h) => h / tokens),
  };
}
