/**
 * The differentiable transformer for training: forward + backward of one micro-batch of
 * independent sequences on a TrainBackend, accumulating gradients into the ParamSet's buffers.
 *
 * Objective of a micro-batch (the trainer picks the scales so a step's objective is the
 * token-weighted mean over all its micro-batches):
 *   J = lmScale * sum_(scored rows) nll + auxWeight * (balanceCoef * L_bal + zLossCoef * L_z)
 * with L_bal the HF load-balancing loss over all MoE layers' router outputs and L_z the router
 * z-loss (core/train/losses.ts). Entry i of each sequence predicts entry i + 1.
 *
 * Activation memory: by default every layer's cache is kept for the backward; with
 * `recompute` only each layer's input is kept and the layer's forward is re-run just before its
 * backward (activation checkpointing per layer: O(layers * T * H) + one layer's cache).
 */
import type { BackendTensor, RopeTable } from '../../core/backend';
import { InvalidArgumentError } from '../../core/errors';
import type { Segment } from '../../core/grad/attention';
import { TRAIN_VOCAB_CHUNK } from '../../core/grad/crossentropy';
import type { Route64 } from '../../core/grad/router';
import { ropeTable } from '../../core/ref/rope';
import { loadBalancingLoss, routerZLoss } from '../../core/train/losses';
import type { TrainBackend } from '../../core/train/train-backend';
import { layerBackward, layerForward, releaseCache, type LayerCache, type LayerGradContext, type LayerNeeds } from './layer-grad';
import type { ParamSet } from './params';

export interface ObjectiveOptions {
  /** Multiplies the summed NLL (1 / scored predictions of the whole step). */
  lmScale: number;
  /** Multiplies the auxiliary terms (this micro-batch's share of the step's predictions). */
  auxWeight: number;
  balanceCoef: number;
  zLossCoef: number;
  vocabChunk?: number;
  recompute?: boolean;
}

export interface MicroBatchResult {
  /** Sum of NLL over scored predictions, and their count. */
  nllSum: number;
  scored: number;
  tokens: number;
  /** L_bal and L_z of this micro-batch (unweighted; 0 without MoE layers). */
  balance: number;
  zLoss: number;
  /** J as defined above. */
  objective: number;
  /** Routing of each MoE layer (null for dense layers), rows in batch order. */
  routes: (Route64 | null)[];
}

export class TrainableModel<T extends BackendTensor> {
  readonly rope: RopeTable;
  private readonly needs: LayerNeeds[];

  constructor(
    readonly be: TrainBackend<T>,
    readonly params: ParamSet<T>,
  ) {
    const cfg = params.config;
    this.rope = ropeTable(cfg.headDim, cfg.ropeTheta, cfg.ropeScaling);
    // Which activation gradients each layer must produce: walk up from the embedding.
    let below = params.get('model.embed_tokens.weight').grad !== null;
    this.needs = [];
    for (let l = 0; l < cfg.numLayers; l++) {
      const w = params.layer(l);
      const attn = [w.inputNorm, w.q, w.k, w.v, w.o, w.qBias, w.kBias, w.vBias].some((p) => p?.grad);
      const dmid = below || attn;
      const dh2 = dmid || w.postNorm.grad !== null;
      this.needs.push({ dx: below, dmid, dh2 });
      below = below || this.params.layerHasTrainable(l);
    }
  }

  get config() {
    return this.params.config;
  }

  /** Forward, losses and (when `backward`) gradients of one micro-batch. */
  async step(batch: Int32Array[], o: ObjectiveOptions, backward = true): Promise<MicroBatchResult> {
    const { be, params } = this;
    const cfg = params.config;
    if (batch.length === 0 || batch.some((s) => s.length === 0)) throw new InvalidArgumentError('a micro-batch needs at least one non-empty sequence');
    const segments: Segment[] = [];
    let n = 0;
    for (const s of batch) {
      segments.push({ start: n, length: s.length });
      n += s.length;
    }
    const ids = new Int32Array(n);
    const positions = new Int32Array(n);
    const targets = new Int32Array(n).fill(-1);
    batch.forEach((s, i) => {
      const o0 = segments[i].start;
      ids.set(s, o0);
      for (let j = 0; j < s.length; j++) {
        positions[o0 + j] = j;
        if (j + 1 < s.length) targets[o0 + j] = s[j + 1];
      }
    });
    const c: LayerGradContext<T> = {
      be, cfg, rope: this.rope, positions,
      attn: { nHeads: cfg.numHeads, nKvHeads: cfg.numKvHeads, headDim: cfg.headDim, scale: 1 / Math.sqrt(cfg.headDim), slidingWindow: cfg.slidingWindow, segments },
    };
    const recompute = o.recompute ?? false;
    const inputs: T[] = [];
    const caches: (LayerCache<T> | null)[] = [];
    const routes: (Route64 | null)[] = [];
    const logits: Float64Array[] = [];
    let x = be.embedding(params.get('model.embed_tokens.weight').value, ids);
    for (let l = 0; l < cfg.numLayers; l++) {
      inputs.push(x);
      const { out, cache } = await layerForward(c, params.layer(l), x);
      routes.push(cache.moe?.route ?? null);
      if (cache.moe) logits.push(cache.moe.logits);
      if (backward && !recompute) caches.push(cache);
      else {
        releaseCache(be, cache);
        caches.push(null);
      }
      x = out;
    }
    const finalNorm = params.get('model.norm.weight');
    const hF = be.rmsnorm(x, finalNorm.value, cfg.rmsNormEps);
    const scale = Float64Array.from(targets, (t) => (t >= 0 ? o.lmScale : 0));
    const head = params.lmHead();
    const { nll, dx: dhF } = await be.lmHeadLoss(hF, head.value, targets, scale, backward ? head.grad : null, o.vocabChunk ?? TRAIN_VOCAB_CHUNK);
    let nllSum = 0;
    let scored = 0;
    for (let i = 0; i < n; i++) {
      if (targets[i] >= 0) {
        nllSum += nll[i];
        scored++;
      }
    }
    const moeRoutes = routes.filter((r): r is Route64 => r !== null);
    const bal = loadBalancingLoss(moeRoutes);
    const z = routerZLoss(moeRoutes.map((r, i) => ({ tokens: r.tokens, numExperts: r.numExperts, data: logits[i] })));
    const objective = o.lmScale * nllSum + o.auxWeight * (o.balanceCoef * bal.value + o.zLossCoef * z.value);
    const result = { nllSum, scored, tokens: n, balance: bal.value, zLoss: z.value, objective, routes };
    if (!backward) {
      be.release(hF, dhF, x, ...inputs);
      return result;
    }
    let dx: T | null = be.rmsnormBackward(dhF, x, finalNorm.value, cfg.rmsNormEps, finalNorm.grad);
    be.release(hF, dhF, x);
    let mi = moeRoutes.length;
    for (let l = cfg.numLayers - 1; l >= 0 && dx; l--) {
      const w = params.layer(l);
      let cache = caches[l];
      if (!cache) {
        // Recompute: re-run the layer's forward for its cache (its output is not needed again).
        const f = await layerForward(c, w, inputs[l]);
        be.release(f.out);
        cache = f.cache;
      }
      let aux = { dProbs: null as Float64Array | null, dLogits: null as Float64Array | null };
      if (cache.moe) {
        mi--;
        const sb = o.auxWeight * o.balanceCoef;
        const sz = o.auxWeight * o.zLossCoef;
        aux = {
          dProbs: sb !== 0 ? bal.dProbs[mi].map((v) => v * sb) : null,
          dLogits: sz !== 0 ? z.dLogits[mi].map((v) => v * sz) : null,
        };
      }
      const dIn: T | null = await layerBackward(c, w, cache, dx, this.needs[l], aux);
      releaseCache(be, cache);
      be.release(dx);
      dx = dIn;
    }
    const embed = params.get('model.embed_tokens.weight');
    if (dx && embed.grad) be.embeddingBackward(dx, ids, embed.grad);
    be.release(dx, ...inputs);
    return result;
  }
}
