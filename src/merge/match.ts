/**
 * Match stage: from the probe's moments, the correlation matrix between the anchor's and each
 * other model's FFN neurons per layer, solved as an exact linear assignment (certified optimal),
 * giving sigma with "new neuron j of model i = old neuron sigma(j)" (METHOD.md section 2), plus
 * the per-layer diagnostics the studio charts: mean matched correlation before (identity) and
 * after, fraction of fixed points, a histogram of matched correlations.
 */
import { throwIfAborted } from '../core/errors';
import { solveLap, type LapOptions } from '../core/assign/hybrid';
import { correlationFromMoments } from '../core/stats/correlation';
import type { StageContext } from './context';
import type { ProbeResult } from './probe';

export interface LayerAlignment {
  layer: number;
  model: number;
  /** sigma: new position j takes old neuron sigma[j]. */
  sigma: Int32Array;
  meanCorrBefore: number;
  meanCorrAfter: number;
  fixedPoints: number;
  /** Counts of matched correlations in 20 bins over [-1, 1]. */
  histogram: number[];
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

export const HIST_BINS = 20;

function histogram(values: ArrayLike<number>): number[] {
  const h = new Array<number>(HIST_BINS).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(HIST_BINS - 1, Math.max(0, Math.floor(((values[i] + 1) / 2) * HIST_BINS)));
    h[b]++;
  }
  return h;
}

export async function matchNeurons(
  probe: ProbeResult, anchor: number, opts: { lap?: LapOptions } = {}, ctx: Pick<StageContext, 'signal' | 'progress'> = {},
): Promise<MatchResult> {
  const L = probe.ffn.length;
  const N = probe.ffn[0].dims.length;
  const perms: (Int32Array | null)[][] = Array.from({ length: N }, () => Array<Int32Array | null>(L).fill(null));
  const layers: LayerAlignment[] = [];
  let done = 0;
  for (let m = 0; m < N; m++) {
    if (m === anchor) continue;
    for (let l = 0; l < L; l++) {
      throwIfAborted(ctx.signal);
      const t0 = performance.now();
      const { corr, rows: n, deadRows, deadCols } = correlationFromMoments(probe.ffn[l], anchor, m);
      const sol = solveLap(corr, n, { ...opts.lap, signal: ctx.signal });
      const sigma = sol.rowToCol;
      let before = 0;
      let after = 0;
      let fixed = 0;
      const matched = new Float32Array(n);
      for (let j = 0; j < n; j++) {
        before += corr[j * n + j];
        matched[j] = corr[j * n + sigma[j]];
        after += matched[j];
        if (sigma[j] === j) fixed++;
      }
      perms[m][l] = sigma;
      layers.push({
        layer: l, model: m, sigma,
        meanCorrBefore: before / n, meanCorrAfter: after / n, fixedPoints: fixed / n,
        histogram: histogram(matched), deadAnchor: deadRows.length, deadModel: deadCols.length,
        objective: sol.objective, certified: sol.certificate.ok, ms: performance.now() - t0,
      });
      ctx.progress?.({ stage: 'match', done: ++done, total: (N - 1) * L, message: `model ${m}, layer ${l}` });
      // Yield between layers so that cancellation and progress get through.
      await Promise.resolve();
    }
  }
  return { anchor, perms, layers };
}
