/**
 * Layout of an SVG heatmap (DOM-free, unit-tested): cell size from the available width, where
 * labels go, whether values fit in the cells, and which tick labels to print when there are many
 * rows. Optional groups (e.g. models in a model x model layer x layer matrix) get separators.
 */

export interface HeatmapLayoutInput {
  rows: number;
  cols: number;
  /** Preferred cell size in px (shrunk to fit maxWidth). */
  cell?: number;
  maxWidth?: number;
  /** Space for row labels (left) and column labels (top); 0 hides them. */
  rowLabelWidth?: number;
  colLabelHeight?: number;
}

export interface HeatmapLayout {
  cell: number;
  left: number;
  top: number;
  width: number;
  height: number;
  /** Print values inside the cells (small matrices with cells large enough). */
  showValues: boolean;
  /** Print every `tickEvery`-th row/column label. */
  tickEvery: number;
}

export function heatmapLayout(i: HeatmapLayoutInput): HeatmapLayout {
  const left = i.rowLabelWidth ?? 80;
  const top = i.colLabelHeight ?? 24;
  const pref = i.cell ?? 44;
  const maxW = i.maxWidth ?? 640;
  const fit = Math.floor((maxW - left - 4) / Math.max(1, i.cols));
  const cell = Math.max(3, Math.min(pref, fit));
  const showValues = i.rows * i.cols <= 144 && cell >= 30;
  const tickEvery = cell >= 14 ? 1 : Math.ceil(14 / cell);
  return { cell, left, top, width: left + i.cols * cell + 4, height: top + i.rows * cell + 4, showValues, tickEvery };
}

/** A cell value as printed: two decimals in cells, more in the tooltip. */
export function formatCell(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return '–';
  return v.toFixed(digits);
}

/** Positions (in cells) of group separators for groups of equal size `size` over `n` cells. */
export function groupBreaks(n: number, size: number): number[] {
  if (size <= 0 || size >= n) return [];
  const out: number[] = [];
  for (let k = size; k < n; k += size) out.push(k);
  return out;
}

/** A row-major flat array as an n x n matrix (rows beyond the data come out NaN). */
export function toMatrix(flat: readonly number[], n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => flat[i * n + j] ?? NaN));
}

/** Labels of a model x model layer x layer matrix: "model L<layer>" with the model named at layer 0. */
export function streamLabels(models: string[], numLayers: number): string[] {
  return models.flatMap((m, mi) => Array.from({ length: numLayers }, (_, l) => (l === 0 ? `${short(m)} L0` : `${mi}:L${l}`)));
}

/** The last path segment of an ID, shortened for axis labels. */
export function short(id: string, max = 14): string {
  const s = id.split('/').pop() ?? id;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
