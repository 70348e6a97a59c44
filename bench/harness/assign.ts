/**
 * Assignment rows: our certified exact LAP solver (src/core/assign, method 'hybrid') against
 * scipy.optimize.linear_sum_assignment on the same seeded n x n matrices, one row per (n, kind).
 * The measuring code is bench/assign.bench.mjs (also runnable alone); scipy runs in a Python
 * subprocess after our solve (never at the same time). Python: $PYTHON, else .venv/bin/python,
 * else python3; without numpy + scipy the rows keep our figure and say why in the note.
 * Figure: wall milliseconds of one solve (lower is better; ratio = scipy / ours).
 */
import { findPython, runAssignBench, type PythonProbe } from '../assign.bench.mjs';
import type { Benchmark, Measurement } from './registry';

export const ASSIGN_KINDS = ['corr', 'noise', 'uniform'];
export const ASSIGN_SIZES_DEFAULT = [2048, 4864];
export const ASSIGN_SIZES_FULL = [2048, 4864, 8960];

export function assignBenchmarks(sizes: number[], kinds: string[] = ASSIGN_KINDS): Benchmark[] {
  let py: PythonProbe | null = null;
  let warmed = false;
  const list: Benchmark[] = [];
  for (const n of sizes) {
    for (const kind of kinds) {
      list.push({
        name: `assign ${kind} n=${n}`,
        unit: 'ms',
        run(): Promise<Measurement> {
          py ??= findPython();
          const [r] = runAssignBench({
            sizes: [n],
            kinds: [kind],
            python: py,
            warm: !warmed,
            log: () => {},
          });
          warmed = true;
          const peerName = py.python
            ? `scipy ${py.scipy} linear_sum_assignment`
            : 'scipy linear_sum_assignment';
          if (!r.certified)
            throw new Error(`our solution for ${r.name} is not certified optimal (gap ${r.gap})`);
          if (r.optimum_equal === false) {
            throw new Error(
              `${r.name}: our optimum ${r.objective} differs from scipy's ${r.scipy_objective}`,
            );
          }
          const note =
            r.scipy_ms === null
              ? `peer skipped: ${r.skipped ?? 'unknown reason'}`
              : 'wall ms of one solve on the same seeded matrix, after ours; equal optima, ours certified';
          const details = {
            ours_cpu_ms: r.ours_cpu_ms,
            scipy_cpu_ms: r.scipy_cpu_ms,
            cpu_ratio: r.cpu_ratio,
            same_permutation: r.same_permutation,
            certificate_rounds: r.rounds,
            peak_rss_mb: r.peak_rss_mb,
          };
          return Promise.resolve({ ours: r.ours_ms, peer: r.scipy_ms, peerName, note, details });
        },
      });
    }
  }
  return list;
}
