/**
 * Partial alignment (METHOD.md section 2, the paper's "align only 80% of neurons"): only the
 * best fraction p of the matched pairs move, the rest keep their place as far as possible.
 *
 * Definition. sigma is the optimal assignment (position j of the aligned model receives old
 * neuron sigma(j)); the score of pair j is C[j, sigma(j)]. The selected set A is the
 * round(p * n) positions with the highest scores (ties: lower index first). The result tau is a
 * permutation with
 *   1. tau(j) = sigma(j) for j in A                       (the selected pairs move);
 *   2. tau(j) = j for j not in A whose neuron j is not taken by a selected pair (they stay);
 *   3. the remaining positions (unselected, but their own neuron was moved away) receive the
 *      displaced neurons (not moved, but their own position was taken), which are equally many.
 * Rule 3 is the conflict rule:
 *   'cycle' (default): follow sigma's cycle backwards from the position: along a cycle
 *     ... -> c_{k-m} -> ... -> c_{k-1} -> c_k with c_{k-m..k-1} selected and c_k not, position
 *     c_k receives neuron c_{k-m}, the first neuron the run pushed out. Cheap, deterministic,
 *     independent of the scores, and p = 1 gives sigma, p = 0 the identity.
 *   'reassign': match the remaining positions to the displaced neurons by an exact assignment
 *     on the score submatrix (needs C), i.e. the best completion that keeps rules 1 and 2.
 */
import { InvalidArgumentError } from '../errors';
import { solveDenseLap } from './dense';
import { invertPermutation, isPermutation, type ScoreMatrix } from './types';

export type ConflictRule = 'cycle' | 'reassign';

export interface PartialAlignment {
  perm: Int32Array;
  /** Positions whose pair was selected (sorted by score, best first). */
  selected: Int32Array;
  /** Positions filled by the conflict rule. */
  conflicts: Int32Array;
}

export function partialPermutation(
  c: ScoreMatrix, n: number, sigma: Int32Array, fraction: number, rule: ConflictRule = 'cycle',
): PartialAlignment {
  if (!(fraction >= 0 && fraction <= 1)) throw new InvalidArgumentError(`partialPermutation: fraction must be in [0, 1] (got ${fraction})`);
  if (!isPermutation(sigma, n)) throw new InvalidArgumentError('partialPermutation: sigma is not a permutation');
  const order = Array.from({ length: n }, (_, j) => j);
  order.sort((a, b) => c[b * n + sigma[b]] - c[a * n + sigma[a]] || a - b);
  const m = Math.round(fraction * n);
  const selected = Int32Array.from(order.slice(0, m));
  const sel = new Uint8Array(n);
  const moved = new Uint8Array(n);
  const tau = new Int32Array(n).fill(-1);
  for (const j of selected) {
    sel[j] = 1;
    moved[sigma[j]] = 1;
    tau[j] = sigma[j];
  }
  const conflictPos: number[] = [];
  for (let j = 0; j < n; j++) {
    if (sel[j]) continue;
    if (!moved[j]) tau[j] = j;
    else conflictPos.push(j);
  }
  if (conflictPos.length > 0) {
    if (rule === 'cycle') {
      const inv = invertPermutation(sigma);
      for (const j of conflictPos) {
        let a = inv[j];
        while (moved[a]) a = inv[a];
        tau[j] = a;
      }
    } else {
      const used = new Uint8Array(n);
      for (let j = 0; j < n; j++) if (tau[j] >= 0) used[tau[j]] = 1;
      const free: number[] = [];
      for (let v = 0; v < n; v++) if (!used[v]) free.push(v);
      const r = conflictPos.length;
      const sub = new Float64Array(r * r);
      for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) sub[a * r + b] = c[conflictPos[a] * n + free[b]];
      const sol = solveDenseLap(sub, r);
      for (let a = 0; a < r; a++) tau[conflictPos[a]] = free[sol.rowToCol[a]];
    }
  }
  return { perm: tau, selected, conflicts: Int32Array.from(conflictPos) };
}
