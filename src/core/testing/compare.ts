/**
 * The comparator of the kernel contract: |got - ref| <= atol + rtol * |ref| element-wise.
 * Returns a report instead of throwing so that suites can show the worst element.
 */

export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface CompareReport {
  ok: boolean;
  /** Number of elements compared. */
  n: number;
  maxAbsDiff: number;
  /** Largest |got - ref| / (atol + rtol |ref|); <= 1 means within tolerance. */
  worstRatio: number;
  worstIndex: number;
  got: number;
  ref: number;
  message: string;
}

export function compareArrays(
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
  tol: Tolerance,
): CompareReport {
  if (got.length !== ref.length) {
    return {
      ok: false, n: 0, maxAbsDiff: Infinity, worstRatio: Infinity, worstIndex: -1, got: NaN, ref: NaN,
      message: `length mismatch: got ${got.length}, expected ${ref.length}`,
    };
  }
  let maxAbs = 0;
  let worst = 0;
  let wi = -1;
  for (let i = 0; i < ref.length; i++) {
    const g = got[i];
    const r = ref[i];
    const d = Math.abs(g - r);
    const bound = tol.atol + tol.rtol * Math.abs(r);
    // NaN in either side is a failure, also when both are NaN: no kernel should produce NaN.
    const ratio = Number.isNaN(d) ? Infinity : d / bound;
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
    if (ratio > worst || wi < 0) {
      worst = ratio;
      wi = i;
    }
  }
  const ok = worst <= 1;
  const message = ok
    ? `ok: ${ref.length} elements, max |diff| ${maxAbs.toExponential(2)}`
    : `mismatch at [${wi}]: got ${got[wi]}, expected ${ref[wi]} (|diff| ${Math.abs(got[wi] - ref[wi]).toExponential(2)} > ${tol.atol} + ${tol.rtol}*|ref|)`;
  return { ok, n: ref.length, maxAbsDiff: maxAbs, worstRatio: worst, worstIndex: wi, got: got[wi], ref: ref[wi], message };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
