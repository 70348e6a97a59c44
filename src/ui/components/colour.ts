/**
 * Colour scales for heatmaps (DOM-free, unit-tested). A viridis-like sequential scale over a
 * fixed domain (default [0, 1]) so that colours mean the same thing on every chart, and a
 * qualitative palette for experts (Okabe-Ito, readable with colour-vision deficiencies).
 */

/** Viridis at 10 evenly spaced stops (matplotlib's values, rounded). */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37],
];

const hex = (n: number): string => Math.round(n).toString(16).padStart(2, '0');

/** Position of v in [lo, hi], clamped to [0, 1]; NaN stays NaN. */
export function normalise(v: number, lo = 0, hi = 1): number {
  if (!Number.isFinite(v)) return NaN;
  if (hi === lo) return 0;
  return Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
}

/** The colour of t in [0, 1] on the viridis scale, as #rrggbb (grey for non-finite). */
export function viridis(t: number): string {
  if (!Number.isFinite(t)) return '#bbbbbb';
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return `#${hex(a[0] + (b[0] - a[0]) * f)}${hex(a[1] + (b[1] - a[1]) * f)}${hex(a[2] + (b[2] - a[2]) * f)}`;
}

/** Text colour readable on viridis(t): white on the dark half, near-black on the light half. */
export function inkOn(t: number): string {
  return Number.isFinite(t) && t > 0.55 ? '#1d2430' : '#ffffff';
}

/** Okabe-Ito qualitative colours, one per expert / model (cycled beyond 8). */
export const CATEGORICAL = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export function categorical(i: number): string {
  return CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}
