import { describe, expect, it } from 'vitest';
import { categorical, inkOn, normalise, viridis } from './colour';
import { formatCell, groupBreaks, heatmapLayout } from './heatmap-layout';

describe('colour scale', () => {
  it('maps the fixed domain ends to viridis ends and clamps', () => {
    expect(viridis(0)).toBe('#440154');
    expect(viridis(1)).toBe('#fde725');
    expect(viridis(-3)).toBe(viridis(0));
    expect(viridis(7)).toBe(viridis(1));
    expect(viridis(NaN)).toBe('#bbbbbb');
  });
  it('normalises into [0, 1]', () => {
    expect(normalise(0.5)).toBe(0.5);
    expect(normalise(2, 0, 4)).toBe(0.5);
    expect(normalise(-1)).toBe(0);
    expect(Number.isNaN(normalise(NaN))).toBe(true);
  });
  it('picks readable ink', () => {
    expect(inkOn(0.1)).toBe('#ffffff');
    expect(inkOn(0.9)).not.toBe('#ffffff');
  });
  it('cycles categorical colours', () => {
    expect(categorical(8)).toBe(categorical(0));
    expect(categorical(-1)).toBe(categorical(7));
  });
});

describe('heatmap layout', () => {
  it('prints values in a small matrix', () => {
    const l = heatmapLayout({ rows: 4, cols: 4 });
    expect(l.showValues).toBe(true);
    expect(l.cell).toBe(44);
    expect(l.width).toBe(80 + 4 * 44 + 4);
  });
  it('shrinks cells and thins ticks for a large matrix', () => {
    const l = heatmapLayout({ rows: 72, cols: 72, maxWidth: 600 });
    expect(l.cell).toBeLessThan(10);
    expect(l.showValues).toBe(false);
    expect(l.tickEvery).toBeGreaterThan(1);
  });
  it('formats cells and group breaks', () => {
    expect(formatCell(0.98765)).toBe('0.99');
    expect(formatCell(NaN)).toBe('–');
    expect(groupBreaks(12, 4)).toEqual([4, 8]);
    expect(groupBreaks(4, 4)).toEqual([]);
  });
});

import { short, streamLabels, toMatrix } from './heatmap-layout';

describe('matrix helpers', () => {
  it('reshapes a flat row-major matrix', () => {
    expect(toMatrix([1, 2, 3, 4], 2)).toEqual([[1, 2], [3, 4]]);
    expect(toMatrix([1], 2)[1][1]).toBeNaN();
  });
  it('labels model streams and shortens IDs', () => {
    expect(streamLabels(['demo/prose', 'demo/code'], 2)).toEqual(['prose L0', '0:L1', 'code L0', '1:L1']);
    expect(short('Qwen/Qwen2.5-Coder-0.5B-Instruct')).toBe('Qwen2.5-Coder…');
  });
});
