/**
 * Match stage: from the probe's moments, the correlation matrix between the anchor's and each
 * other model's FFN neurons per layer, solved as an exact linear assignment (certified optimal),
 * giving sigma with "new neuron j of model i = old neuron sigma(j)" (METHOD.md section 2);
 * optionally only the best fraction of pairs moves (partial alignment, core/assign/partial.ts).
 * Diagnostics per layer and model (core/permute/diagnostics.ts): mean matched correlation before
 * (identity) and after, fraction of fixed points, histogram of matched correlations, and the
 * weight cosine between the anchor's and the expert's FFN before and after, when weights are given.
 *
 * With a WebGPU backend in the context the dense O(n^2) work runs on the GPU: the correlation
 * (from the probe's GPU moments when it kept them, else uploaded once from the host moments),
 * the best-k candidates and the certificate's dense filter; the sparse auction / repair and the
 * exact f64 re-check of the rows the filter flags run on the host (solveLapAsync). Every result
 * is certified either way.
 */
import { throwIfAborted } from '../core/errors';
import { solveLap, solveLapAsync, usesDenseSolver, type LapOptions, type LapResult } from '../core/assign/hybrid';
import { partialPermutation } from '../core/assign/partial';
import { alignmentDiagnostics, matchedCorrelations } from '../core/permute/diagnostics';
import { ffnAxes, type SwiGluFfn } from '../core/permute/apply';
import { correlationFromMoments, type CorrelationResult } from '../core/stats/correlation';
import type { GpuContext } from '../gpu/context';
import { GpuCorrelation } from '../gpu/correlation';
import { BEST_K_MAX } from '../gpu/kernels/bestK';
import { WebGpuBackend } from '../gpu/webgpu-backend';
import type { WeightProvider } from '../model/weights';
import type { StageContext } from './context';
import { loadFfn, modelArchSpec } from './ffn-permute';
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
  /** Where the certificate's dense pass ran: 'host', or 'gpu: <adapter>' (flagged rows re-checked on the host). */
  certifier: string;
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

/** What the match stage uses of the stage context; a WebGPU backend moves the dense work there. */
export type MatchContext = Pick<StageContext, 'signal' | 'progress'> & Partial<Pick<StageContext, 'backend'>>;

/** Correlation of (anchor, model) at one layer and its certified assignment. */
async function solveLayer(probe: ProbeResult, l: number, anchor: number, m: number, lap: LapOptions, gpu: GpuContext | null, signal?: AbortSignal): Promise<{ c: CorrelationResult; sol: LapResult }> {
  const kept = gpu ? probe.gpuFfn : undefined;
  const host = kept ? null : correlationFromMoments(probe.ffn[l], anchor, m);
  const n = probe.ffn[l].dims[anchor];
  if (!gpu || usesDenseSolver(n, lap)) {
    const c = host ?? correlationFromMoments(probe.ffn[l], anchor, m);
    return { c, sol: solveLap(c.corr, c.rows, { ...lap, signal }) };
  }
  const g = kept ? await kept.correlation(l, anchor, m) : GpuCorrelation.fromHost(gpu, host!);
  try {
    // The sparse core and the exact re-check need the scores on the host: one read (or none).
    const c = host ?? (await g.read());
    const k = lap.k ?? 12;
    const candidates = k <= BEST_K_MAX ? await g.bestK(k) : undefined;
    return { c, sol: await solveLapAsync(c.corr, c.rows, { ...lap, candidates, certifier: g.certifier(), signal }) };
  } finally {
    g.release();
  }
}

async function denseFfn(w: WeightProvider, layer: number): Promise<SwiGluFfn> {
  const f = await loadFfn(w, modelArchSpec(w.config), layer);
  const [inter, hidden] = f.gate.shape;
  return {
    hidden, inter, gate: f.gate.data, up: f.up.data, down: f.down.data,
    gateBias: f.gateBias?.data, upBias: f.upBias?.data, downBias: f.downBias?.data,
  };
}

export async function matchNeurons(
  probe: ProbeResult, anchor: number, opts: MatchOptions = {}, ctx: MatchContext = {},
): Promise<MatchResult> {
  const be = ctx.backend instanceof WebGpuBackend ? ctx.backend : null;
  // Work the engine recorded must reach the queue before this stage's uploads.
  be?.flush();
  const gpu = be ? be.ctx : null;
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
      const { c: { corr, rows: n, deadRows, deadCols }, sol } = await solveLayer(probe, l, anchor, m, opts.lap ?? {}, gpu, ctx.signal);
      const sigma = fraction < 1 ? partialPermutation(corr, n, sol.rowToCol, fraction).perm : sol.rowToCol;
      const ffns = opts.weights
        ? { anchor: await denseFfn(opts.weights[anchor], l), expert: await denseFfn(opts.weights[m], l), axes: ffnAxes(modelArchSpec(opts.weights[m].config), l) }
        : undefined;
      const d = alignmentDiagnostics(corr, n, sigma, ffns);
      perms[m][l] = sigma;
      layers.push({
        layer: l, model: m, sigma, matched: Float32Array.from(matchedCorrelations(corr, n, sigma)),
        meanCorrBefore: d.meanBefore, meanCorrAfter: d.meanAfter, fixedPoints: d.fixedPointFraction,
        histogram: d.histogramAfter.counts, histogramBefore: d.histogramBefore.counts,
        weightCosineBefore: d.weightCosineBefore ?? null, weightCosineAfter: d.weightCosineAfter ?? null,
        deadAnchor: deadRows.length, deadModel: deadCols.length,
        objective: sol.objective, certified: sol.certificate.ok, certifier: sol.stats.certifier, ms: performance.now() - t0,
      });
      ctx.progress?.({ stage: 'match', done: ++done, total: (N - 1) * L, message: `model ${m}, layer ${l}` });
      // Yield between layers so that cancellation and progress get through.
      await Promise.resolve();
    }
  }
  return { anchor, perms, layers };
}
