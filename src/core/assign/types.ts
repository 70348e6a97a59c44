/**
 * Shared types of the assignment solvers. All solvers take a dense n x n score matrix C
 * (row-major, f32 or f64) and MAXIMISE sum_i C[i, rowToCol[i]] unless told otherwise.
 *
 * Duals are kept in "max form": column prices p_j and row values U_i with
 *   U_i + p_j >= C_ij for every (i, j)              (dual feasibility)
 *   U_i + p_j  = C_ij on matched pairs              (complementary slackness)
 * so that sum U + sum p bounds every assignment from above and equals the optimum.
 * Neuron alignment convention (METHOD.md section 2): rows are the anchor's neurons, columns the
 * other model's; rowToCol[j] = sigma(j) = the old neuron that moves to position j.
 */

export type ScoreMatrix = Float32Array | Float64Array;

export interface LapSolution {
  /** rowToCol[i] = column matched to row i (a permutation). */
  rowToCol: Int32Array;
  /** colToRow[j] = row matched to column j (the inverse permutation). */
  colToRow: Int32Array;
  /** Column prices p_j (max form, f64). */
  prices: Float64Array;
  /** sum_i C[i, rowToCol[i]] accumulated in f64. */
  objective: number;
}

/** Sum of C[i, perm[i]] in f64. */
export function assignmentObjective(c: ScoreMatrix, n: number, perm: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += c[i * n + perm[i]];
  return s;
}

/** Inverse of a permutation. */
export function invertPermutation(p: ArrayLike<number>): Int32Array {
  const inv = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) inv[p[i]] = i;
  return inv;
}

/** True when p is a permutation of 0..n-1. */
export function isPermutation(p: ArrayLike<number>, n: number): boolean {
  if (p.length !== n) return false;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = p[i];
    if (!Number.isInteger(v) || v < 0 || v >= n || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}
