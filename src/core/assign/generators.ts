/**
 * Seeded test matrices for the assignment solvers, built identically here and in
 * scripts/goldens/matrices.py so that golden objectives from scipy can be committed as seeds +
 * numbers instead of megabytes of data. Only +, -, *, min and one f32 rounding per element are
 * used (no transcendental functions, whose last bits differ between libms), so both languages
 * produce bit-identical Float32Arrays.
 *
 * Uniform stream: value k of seed s is the (k+1)-th output of mulberry32 started at s (the same
 * generator as src/core/rng.ts); mulberry32's state advances by a constant, so any k can be
 * computed directly ("counter mode"), which lets numpy vectorise it.
 *
 * Kinds (n x n, row-major, f32):
 *   uniform: C = U
 *   noise:   C = 0.1 * (U1 + U2 + U3 + U4 - 2)           (Irwin-Hall, a stand-in for correlations
 *                                                         of unrelated neurons)
 *   corr:    noise + 0.05 a_i b_j (rank one) + s_i at (i, pi(i)) for a 60% subset of rows,
 *            s_i in [0.2, 0.8), capped at 1: correlation-structured with partial partners.
 */

export type MatrixKind = 'uniform' | 'noise' | 'corr';
export const MATRIX_KINDS: readonly MatrixKind[] = ['uniform', 'noise', 'corr'];

const GOLDEN = 0x6d2b79f5;

/** Output k (0-based) of mulberry32 seeded with `seed`, as a float in [0, 1). */
export function mulberryAt(seed: number, k: number): number {
  const s0 = seed >>> 0 || 0x9e3779b9;
  let t = (s0 + Math.imul(k + 1, GOLDEN)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Fisher-Yates permutation driven by mulberryAt(seed, 0..n-2), same as Rng.permutation. */
export function seededPermutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let k = 0;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(mulberryAt(seed, k++) * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function noiseAt(seed: number, q: number): number {
  const b = 4 * q;
  return 0.1 * ((mulberryAt(seed, b) + mulberryAt(seed, b + 1) + mulberryAt(seed, b + 2) + mulberryAt(seed, b + 3)) - 2);
}

/** Build an n x n test matrix of the given kind. */
export function makeMatrix(kind: MatrixKind, n: number, seed: number): Float32Array {
  const c = new Float32Array(n * n);
  if (kind === 'uniform') {
    for (let q = 0; q < n * n; q++) c[q] = mulberryAt(seed, q);
    return c;
  }
  if (kind === 'noise') {
    for (let q = 0; q < n * n; q++) c[q] = noiseAt(seed, q);
    return c;
  }
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = 2 * mulberryAt((seed + 1) >>> 0, i) - 1;
    b[i] = 2 * mulberryAt((seed + 2) >>> 0, i) - 1;
    s[i] = mulberryAt((seed + 4) >>> 0, i) < 0.6 ? 0.2 + 0.6 * mulberryAt((seed + 5) >>> 0, i) : 0;
  }
  const pi = seededPermutation(n, (seed + 3) >>> 0);
  for (let i = 0; i < n; i++) {
    const ai = 0.05 * a[i];
    for (let j = 0; j < n; j++) {
      const q = i * n + j;
      c[q] = Math.min(1, noiseAt(seed, q) + ai * b[j] + (j === pi[i] ? s[i] : 0));
    }
  }
  return c;
}

/** A small order-sensitive checksum of a permutation (same formula in the Python script). */
export function permutationChecksum(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) h = (h * 31 + p[i] + 1) % 1000000007;
  return h;
}
