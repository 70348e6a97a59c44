/**
 * Alignment at scale, layer by layer. The probe stage (merge/probe.ts) keeps moment accumulators
 * for every layer at once: (models - 1) x layers x d_ff^2 f64 cross moments, 9 GB for three
 * Qwen2.5-0.5B sources (d_ff 4864, 24 layers), plus the residual-stream moments for CKA. When
 * calibration is small (tokens << d_ff), the raw FFN hidden activations are far smaller: models x
 * layers x tokens x d_ff f32. This path runs each model on all windows (one model resident at a
 * time), keeps its tapped h per layer, then matches one (anchor, model) pair and one layer at a
 * time through the same accumulator and matcher (merge/match.ts), so the d_ff^2 matrices exist for
 * one layer only. Same moments, same assignment: the results equal the probe path's.
 */
import type { BackendTensor } from '../core/backend';
import { throwIfAborted } from '../core/errors';
import { MomentAccumulator } from '../core/stats/moments';
import type { StageContext } from '../merge/context';
import { matchNeurons, type LayerAlignment, type MatchResult } from '../merge/match';
import { Transformer } from '../model/transformer';
import type { WeightProvider } from '../model/weights';

export interface StreamedAlignOptions {
  anchor: number;
  partial: number;
  chunkWindows: number;
  mapIds?: (((ids: Int32Array) => Int32Array) | null)[];
  /** Compute the weight-cosine diagnostic (reads each FFN once more). */
  weightCosine: boolean;
}

/** Host bytes of the raw activations this path keeps. */
export function streamedBytes(n: number, layers: number, tokens: number, width: number): number {
  return n * layers * tokens * width * 4 + 2 * width * width * 8;
}

/** The FFN of layer `l` presented as layer 0 (the matcher asks for layer 0 of a one-layer probe). */
function layerView(w: WeightProvider, l: number): WeightProvider {
  return { config: w.config, getTensor: (n) => w.getTensor(n.replace(/^model\.layers\.0\./, `model.layers.${l}.`)) };
}

export async function streamedAlign<T extends BackendTensor>(
  sources: readonly WeightProvider[], windows: readonly Int32Array[], o: StreamedAlignOptions, ctx: StageContext<T>,
): Promise<{ tokens: number; match: MatchResult }> {
  const cfg = sources[o.anchor].config;
  const L = cfg.numLayers;
  const I = cfg.intermediateSize;
  const N = sources.length;
  const T = windows.reduce((s, w) => s + w.length, 0);
  const acts: Float32Array[][] = [];
  for (let m = 0; m < N; m++) {
    const hs = Array.from({ length: L }, () => new Float32Array(T * I));
    const model = new Transformer(ctx.backend, sources[m]);
    const map = o.mapIds?.[m];
    let row = 0;
    for (let c = 0; c < windows.length; c += o.chunkWindows) {
      throwIfAborted(ctx.signal);
      const batch = windows.slice(c, c + o.chunkWindows);
      const r = await model.hidden(map ? batch.map(map) : batch, {
        signal: ctx.signal,
        taps: { ffnHidden: async ({ layer, h }) => void hs[layer].set(await ctx.backend.read(h), row * I) },
      });
      ctx.backend.release(r.hidden);
      row += batch.reduce((s, w) => s + w.length, 0);
      ctx.progress?.({ stage: 'probe', done: m * windows.length + Math.min(windows.length, c + o.chunkWindows), total: N * windows.length, message: `model ${m + 1}/${N}` });
    }
    model.dispose();
    acts.push(hs);
  }
  const perms: (Int32Array | null)[][] = Array.from({ length: N }, () => Array<Int32Array | null>(L).fill(null));
  const layers: LayerAlignment[] = [];
  let done = 0;
  for (let m = 0; m < N; m++) {
    if (m === o.anchor) continue;
    for (let l = 0; l < L; l++) {
      throwIfAborted(ctx.signal);
      const acc = new MomentAccumulator([I, I], { pairs: [[0, 1]], selfFull: false });
      // Feed in slices so the accumulator's f64 copies stay small.
      const step = 256;
      for (let t = 0; t < T; t += step) {
        const n = Math.min(step, T - t);
        acc.add([acts[o.anchor][l].subarray(t * I, (t + n) * I), acts[m][l].subarray(t * I, (t + n) * I)], n);
      }
      const weights = o.weightCosine ? [layerView(sources[o.anchor], l), layerView(sources[m], l)] : undefined;
      const r = await matchNeurons({ tokens: T, ffn: [acc], residual: null }, 0, { partial: o.partial, weights }, { signal: ctx.signal });
      perms[m][l] = r.perms[1][0];
      layers.push({ ...r.layers[0], layer: l, model: m });
      ctx.progress?.({ stage: 'match', done: ++done, total: (N - 1) * L, message: `model ${m}, layer ${l}` });
    }
    // This model's activations are no longer needed.
    acts[m] = [];
  }
  return { tokens: T, match: { anchor: o.anchor, perms, layers } };
}
