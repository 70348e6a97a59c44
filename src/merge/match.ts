/**
 * Match stage: from the probe's moments, the correlation matrix between the anchor's and each
 * other model's FFN neurons per layer, solved as an exact linear assignment (certified optimal),
 * giving sigma with "new neuron j of model i = old neuron sigma(j)" (METHOD.md section 2);
 * optionally only the best fraction of pairs moves (partial alignment, core/assign/partial.ts).
 * Diagnostics per layer and model (core/permute/diagnostics.ts): mean matched correlation before
 * (identity) and after, fraction of fixed points, histogram of matched correlations, and the
 * weight cosine between the anchor's and the expert's FFN before and after, when weights are given.
 */
import { throwIfAborted } from '../core/errors';
import { solveLap, type LapOptions } from '../core/assign/hybrid';
import { partialPermutation } from '../core/assign/partial';
import { alignmentDiagnostics, matchedCorrelations } from '../core/permute/diagnostics';
import type { SwiGluFfn } from '../core/permute/apply';
import { correlationFromMoments } from '../core/stats/correlation';
import { ffnNames, type WeightProvider } from '../model/weights';
import type { StageContext } from './context';
import type { ProbeResult } from './probe';

export interface LayerAlignment {
  layer: number;
  model: number;
  /** sigma: new position j takes old neuron sigma[j]. */
  sigma: Int32Array;
  /** corr[j, sigma[j]] per position. */
  matched: Float32Array;
  meanCorrBefore: number;
  meanCorrAfter: number;
  fixedPoints: number;
  /** Counts of matched correlations (after) in 20 bins over [-1, 1]. */
  histogram: number[];
  /** Counts of identity-pair correlations (before), same bins. */
  histogramBefore: number[];
  weightCosineBefore: number | null;
  weightCosineAfter: number | null;
  deadAnchor: number;
  deadModel: number;
  objective: number;
  certified: boolean;
  ms: number;
}

export interface MatchResult {
  anchor: number;
  /** perms[model][layer]; null for the anchor. */
  perms: (Int32Array | null)[][];
  layers: LayerAlignment[];
}

export interface MatchOptions {
  lap?: LapOptions;
  /** Fraction of matched pairs that move (1 = full alignment). */
  partial?: number;
  /** The sources' weights, for the weight-cosine diagnostic. */
  weights?: readonly WeightProvider[];
}

async function denseFfn(w: WeightProvider, layer: number): Promise<SwiGluFfn> {
  const n = ffnNames(w.config, layer, 'dense');
  const g = await w.getTensor(n.gate);
  return { hidden: g.shape[1], inter: g.shape[0], gate: g.data, up: (await w.getTensor(n.up)).data, down: (await w.getTensor(n.down)).data };
}

export async function matchNeurons(
  probe: ProbeResult, anchor: number, opts: MatchOptions = {}, ctx: Pick<StageContext, 'signal' | 'progress'> = {},
): Promise<MatchResult> {
  const L = probe.ffn.length;
  const N = probe.ffn[0].dims.length;
  const perms: (Int32Array | null)[][] = Array.from({ length: N }, () => Array<Int32Array | null>(L).fill(null));
  const layers: LayerAlignment[] = [];
  const fraction = opts.partial ?? 1;
  let done = 0;
  for (let m = 0; m < N; m++) {
    if (m === anchor) continue;
    for (let l = 0; l < L; l++) {
      throwIfAborted(ctx.signal);
      const t0 = performance.now();
      const { corr, rows: n, deadRows, deadCols } = correlationFromMoments(probe.ffn[l], anchor, m);
      const sol = solveLap(corr, n, { ...opts.lap, signal: ctx.signal });
      const sigma = fraction < 1 ? partialPermutation(corr, n, sol.rowToCol, fraction).perm : sol.rowToCol;
      const ffns = opts.weights ? { anchor: await denseFfn(opts.weights[anchor], l), expert: await denseFfn(opts.weights[m], l) } : undefined;
      const d = alignmentDiagnostics(corr, n, sigma, ffns);
      perms[m][l] = sigma;
      layers.push({
        layer: l, model: m, sigma, matched: Float32Array.from(matchedCorrelations(corr, n, sigma)),
        meanCorrBefore: d.meanBefore, meanCorrAfter: d.meanAfter, fixedPoints: d.fixedPointFraction,
        histogram: d.histogramAfter.counts, histogramBefore: d.histogramBefore.counts,
        weightCosineBefore: d.weightCosineBefore ?? null, weightCosineAfter: d.weightCosineAfter ?? null,
        deadAnchor: deadRows.length, deadModel: deadCols.length,
        objective: sol.objective, certified: sol.certificate.ok, ms: performance.now() - t0,
      });
      ctx.progress?.({ stage: 'match', done: ++done, total: (N - 1) * L, message: `model ${m}, layer ${l}` });
      // Yield between layers so that cancellation and progress get through.
      await Promise.resolve();
    }
  }
  return { anchor, perms, layers };
}
