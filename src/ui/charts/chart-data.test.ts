import { describe, expect, it } from 'vitest';
import type { AlignmentSummary, LayerAlignmentSummary, TrainStep } from '../../workers/studio-types';
import { alignedModels, histogramRows, loadRows, perLayerRows, permutationPoints, thin } from './chart-data';

const layer = (l: number, m: number, after: number): LayerAlignmentSummary => ({
  layer: l, model: m, meanCorrBefore: 0.1, meanCorrAfter: after, fixedPoints: m === 1 ? 0.9 : 0.05,
  histogram: [1, 2], deadAnchor: 0, deadModel: 0, certified: true, ms: 1,
});
const summary: AlignmentSummary = { anchor: 0, tokens: 100, width: 8, functionPreservation: 1e-7, layers: [layer(0, 1, 0.8), layer(0, 2, 0.5), layer(1, 1, 0.7), layer(1, 2, 0.4)] };

describe('chart data', () => {
  it('lays out per-layer values per model', () => {
    expect(alignedModels(summary)).toEqual([1, 2]);
    expect(perLayerRows(summary, (l) => l.meanCorrAfter)).toEqual([{ layer: 0, m1: 0.8, m2: 0.5 }, { layer: 1, m1: 0.7, m2: 0.4 }]);
    expect(perLayerRows(summary, (l) => l.fixedPoints, 'f')[0]).toEqual({ layer: 0, f1: 0.9, f2: 0.05 });
  });
  it('labels histogram bins over [-1, 1]', () => {
    const rows = histogramRows([3, 4, 5, 6]);
    expect(rows[0]).toEqual({ center: -0.75, label: '-1.0 to -0.5', count: 3 });
    expect(rows[3].label).toBe('0.5 to 1.0');
  });
  it('thins permutations and histories', () => {
    const sigma = Array.from({ length: 10 }, (_, j) => 9 - j);
    expect(permutationPoints(sigma, 5)).toEqual([{ j: 0, s: 9 }, { j: 2, s: 7 }, { j: 4, s: 5 }, { j: 6, s: 3 }, { j: 8, s: 1 }]);
    const xs = Array.from({ length: 10 }, (_, i) => i);
    expect(thin(xs, 4)).toEqual([0, 3, 6, 9]);
    expect(thin(xs, 20)).toBe(xs);
  });
  it('makes stacked load rows of the latest step', () => {
    const step = { expertLoad: [[0.25, 0.75], [0.5, 0.5]] } as TrainStep;
    expect(loadRows(step)).toEqual([{ layer: 0, e0: 0.25, e1: 0.75 }, { layer: 1, e0: 0.5, e1: 0.5 }]);
    expect(loadRows(undefined)).toEqual([]);
  });
});
