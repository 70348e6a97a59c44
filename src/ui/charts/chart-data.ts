/**
 * Reshaping engine summaries into recharts rows (DOM-free, unit-tested). No statistics here: the
 * values are the engine's; this only lays them out one row per x value with one key per series.
 */
import type { AlignmentSummary, LayerAlignmentSummary, TrainStep } from '../../workers/studio-types';

/** Models (source indices) present in an alignment summary, in order. */
export function alignedModels(a: AlignmentSummary): number[] {
  return [...new Set(a.layers.map((l) => l.model))].sort((x, y) => x - y);
}

/** One row per layer: { layer, m<k>: value } for each model k. */
export function perLayerRows(a: AlignmentSummary, pick: (l: LayerAlignmentSummary) => number, prefix = 'm'): Record<string, number>[] {
  const layers = [...new Set(a.layers.map((l) => l.layer))].sort((x, y) => x - y);
  return layers.map((layer) => {
    const row: Record<string, number> = { layer };
    for (const l of a.layers) if (l.layer === layer) row[`${prefix}${l.model}`] = pick(l);
    return row;
  });
}

/** Histogram bars over [lo, hi]: bin centre, label and count. */
export function histogramRows(counts: number[], lo = -1, hi = 1): { center: number; label: string; count: number }[] {
  const w = (hi - lo) / Math.max(1, counts.length);
  return counts.map((count, i) => ({
    center: Number((lo + (i + 0.5) * w).toFixed(4)),
    label: `${(lo + i * w).toFixed(1)} to ${(lo + (i + 1) * w).toFixed(1)}`,
    count,
  }));
}

/** Points (j, sigma(j)) of a permutation, every `stride`-th so that at most `max` are drawn. */
export function permutationPoints(sigma: number[], max = 2500): { j: number; s: number }[] {
  const stride = Math.max(1, Math.ceil(sigma.length / max));
  const out: { j: number; s: number }[] = [];
  for (let j = 0; j < sigma.length; j += stride) out.push({ j, s: sigma[j] });
  return out;
}

/** Expert load of one step as stacked-bar rows: { layer, e0, e1, ... }. */
export function loadRows(step: TrainStep | undefined): Record<string, number>[] {
  if (!step) return [];
  return step.expertLoad.map((shares, layer) => {
    const row: Record<string, number> = { layer };
    shares.forEach((v, e) => (row[`e${e}`] = v));
    return row;
  });
}

/** Keep the chart light on long runs: at most `max` points, always including the last. */
export function thin<T>(xs: T[], max = 600): T[] {
  if (xs.length <= max) return xs;
  const stride = Math.ceil(xs.length / max);
  const out = xs.filter((_, i) => i % stride === 0);
  if (out[out.length - 1] !== xs[xs.length - 1]) out.push(xs[xs.length - 1]);
  return out;
}
