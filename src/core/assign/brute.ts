/**
 * Brute-force assignment over all n! permutations (n <= 9): the ground truth of the exactness
 * tests. Heap's algorithm, objective in f64.
 */
import { InvalidArgumentError } from '../errors';
import type { ScoreMatrix } from './types';

export function bruteForceLap(c: ScoreMatrix, n: number, maximize = true): { rowToCol: Int32Array; objective: number } {
  if (n > 9) throw new InvalidArgumentError(`bruteForceLap is for n <= 9 (got ${n})`);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const score = (): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i * n + p[i]];
    return s;
  };
  let best = score();
  let bestP = p.slice();
  const cnt = new Int32Array(n);
  let i = 0;
  while (i < n) {
    if (cnt[i] < i) {
      const k = i % 2 === 0 ? 0 : cnt[i];
      const t = p[k];
      p[k] = p[i];
      p[i] = t;
      const s = score();
      if (maximize ? s > best : s < best) {
        best = s;
        bestP = p.slice();
      }
      cnt[i]++;
      i = 0;
    } else {
      cnt[i] = 0;
      i++;
    }
  }
  return { rowToCol: bestP, objective: best };
}
