/**
 * Router initialisation for the merged MoE (issue "Merge" item 4):
 * - 'random': N(0, 0.02^2) entries, seeded (the transformers initializer_range).
 * - 'centroids': per layer, the router input (the anchor's post-attention-norm hidden state) is
 *   averaged over each expert's calibration domain; row e is the centred, unit-length centroid
 *   of expert e's domain, scaled so that router logits on the calibration tokens have unit
 *   standard deviation (so the initial softmax is neither flat nor saturated).
 * - 'prompts': the same, from example prompts per expert (mergekit's "hidden" mode).
 * The anchor model stands in for the merged backbone, which does not exist yet.
 */
import type { BackendTensor } from '../core/backend';
import { InvalidArgumentError } from '../core/errors';
import { rmsnorm } from '../core/ref/rmsnorm';
import { Rng } from '../core/rng';
import { Transformer } from '../model/transformer';
import type { WeightProvider } from '../model/weights';
import type { StageContext } from './context';

export type RouterInitMode = 'random' | 'centroids' | 'prompts';

/** [E, H] per layer. */
export type RouterWeights = Float32Array[];

export function randomRouters(layers: number, experts: number, hidden: number, seed: number, std = 0.02): RouterWeights {
  const rng = new Rng(seed);
  return Array.from({ length: layers }, () => rng.normalArray(experts * hidden, std));
}

/**
 * Centroid routers. `groups[e]` are the token windows of expert e (its calibration domain, or
 * its example prompts tokenized).
 */
export async function centroidRouters<T extends BackendTensor>(
  anchor: WeightProvider, groups: readonly (readonly Int32Array[])[], ctx: StageContext<T>,
): Promise<RouterWeights> {
  const cfg = anchor.config;
  const H = cfg.hiddenSize;
  const L = cfg.numLayers;
  const E = groups.length;
  if (groups.some((g) => g.length === 0)) throw new InvalidArgumentError('Every expert needs at least one calibration window or prompt to initialise its router row.');
  const postNorms = await Promise.all(Array.from({ length: L }, (_, l) => anchor.getTensor(`model.layers.${l}.post_attention_layernorm.weight`)));
  const sums = Array.from({ length: L }, () => Array.from({ length: E }, () => new Float64Array(H)));
  const counts = new Array<number>(E).fill(0);
  // Router inputs of every token, kept per layer to calibrate the logit scale afterwards.
  const inputs: Float32Array[][] = Array.from({ length: L }, () => []);
  const model = new Transformer(ctx.backend, anchor);
  for (let e = 0; e < E; e++) {
    for (const w of groups[e]) {
      const r = await model.hidden([w], {
        signal: ctx.signal,
        taps: {
          residual: async ({ layer, point, x }) => {
            if (point !== 'mid') return;
            const h = rmsnorm(await ctx.backend.read(x), postNorms[layer].data, w.length, H, cfg.rmsNormEps);
            inputs[layer].push(h);
            const s = sums[layer][e];
            for (let t = 0; t < w.length; t++) for (let i = 0; i < H; i++) s[i] += h[t * H + i];
          },
        },
      });
      ctx.backend.release(r.hidden);
      counts[e] += w.length;
    }
    ctx.progress?.({ stage: 'router-init', done: e + 1, total: E });
  }
  model.dispose();
  return sums.map((perExpert, l) => {
    const cents = perExpert.map((s, e) => s.map((v) => v / counts[e]));
    const mean = new Float64Array(H);
    for (const c of cents) for (let i = 0; i < H; i++) mean[i] += c[i] / E;
    const w = new Float32Array(E * H);
    cents.forEach((c, e) => {
      let n = 0;
      for (let i = 0; i < H; i++) n += (c[i] - mean[i]) ** 2;
      n = Math.sqrt(n) || 1;
      for (let i = 0; i < H; i++) w[e * H + i] = (c[i] - mean[i]) / n;
    });
    // Scale so that the logits over all calibration tokens have unit standard deviation.
    let s = 0;
    let s2 = 0;
    let k = 0;
    for (const h of inputs[l]) {
      for (let t = 0; t < h.length / H; t++) {
        for (let e = 0; e < E; e++) {
          let z = 0;
          for (let i = 0; i < H; i++) z += w[e * H + i] * h[t * H + i];
          s += z;
          s2 += z * z;
          k++;
        }
      }
    }
    const std = Math.sqrt(Math.max(0, s2 / k - (s / k) ** 2)) || 1;
    for (let i = 0; i < w.length; i++) w[i] /= std;
    return w;
  });
}
