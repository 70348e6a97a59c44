// Benchmark of the certified hybrid assignment solver against scipy.optimize.linear_sum_assignment
// on identical seeded matrices (src/core/assign/generators.ts = scripts/goldens/matrices.py).
// Run: npx tsx bench/assign.bench.mjs [--sizes 2048,4864,8960] [--kinds corr,noise,uniform]
//        [--seed 7] [--reps 1] [--json out.json] [--no-python]
// Python: $PYTHON, else .venv/bin/python in the repository root, else python3; the peer runs when
// numpy and scipy import, otherwise every row says why it was skipped.
// Prints one line per case: "name ours_ms scipy_ms ratio optimum_equal" (wall times, ratio =
// scipy / ours), then CPU times of both solves (process CPU time: steadier than wall time on a
// shared machine) and the peak RSS of this process (the n = 8960 case must stay under 2 GB).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { makeMatrix, permutationChecksum, solveLap } from '../src/core/assign/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const peerScript = path.join(root, 'scripts', 'goldens', 'lap_scipy_peer.py');

export function findPython() {
  const candidates = [process.env.PYTHON, path.join(root, '.venv', 'bin', 'python'), 'python3'].filter(Boolean);
  const reasons = [];
  for (const py of candidates) {
    if (py.includes(path.sep) && !existsSync(py)) {
      reasons.push(`${py}: not found`);
      continue;
    }
    const r = spawnSync(py, ['-c', 'import numpy, scipy; print(scipy.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py, scipy: r.stdout.trim() };
    reasons.push(`${py}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? 'import failed')}`);
  }
  return { python: null, reason: `no Python with numpy and scipy (${reasons.join('; ')}); set PYTHON to one` };
}

function peakRssMb() {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * scipy's linear_sum_assignment on the seeded (kind, n, seed) matrix in a Python subprocess:
 * { scipy: { ms, cpu_ms, objective, checksum } | null, skipped: why not | null }.
 */
export function runScipyPeer(py, kind, n, seed, reps = 1) {
  if (!py.python) return { scipy: null, skipped: py.reason };
  const r = spawnSync(py.python, [peerScript, kind, String(n), String(seed), String(reps)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status === 0) return { scipy: JSON.parse(r.stdout.trim().split('\n').pop()), skipped: null };
  return { scipy: null, skipped: `scipy peer failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}` };
}

/** Run the benchmark; returns one row per (n, kind). */
export function runAssignBench(opts = {}) {
  const sizes = opts.sizes ?? [2048, 4864, 8960];
  const kinds = opts.kinds ?? ['corr', 'noise', 'uniform'];
  const seed = opts.seed ?? 7;
  const reps = opts.reps ?? 1;
  // opts.python: false (no peer), a { python, scipy } | { python: null, reason } found earlier, or unset.
  const py = opts.python === false ? { python: null, reason: 'disabled with --no-python' } : typeof opts.python === 'object' ? opts.python : findPython();
  const log = opts.log ?? ((s) => console.log(s));
  if (!py.python) log(`scipy peer skipped: ${py.reason}`);
  else log(`scipy peer: ${py.python} (scipy ${py.scipy})`);
  // Warm the JIT on small problems of every kind so the first timed case does not pay for it.
  if (opts.warm !== false) for (const kind of kinds) solveLap(makeMatrix(kind, 512, seed + 1), 512, { method: 'hybrid' });
  log('name ours_ms scipy_ms ratio optimum_equal');
  const rows = [];
  for (const n of sizes) {
    for (const kind of kinds) {
      const name = `assign.${kind}.n${n}`;
      let c = makeMatrix(kind, n, seed);
      let best = null;
      let cpuMs = Infinity;
      for (let r = 0; r < reps; r++) {
        const cu = process.cpuUsage();
        const res = solveLap(c, n, { method: 'hybrid' });
        const du = process.cpuUsage(cu);
        cpuMs = Math.min(cpuMs, (du.user + du.system) / 1000);
        if (!best || res.stats.ms.total < best.stats.ms.total) best = res;
      }
      const ours = {
        ms: best.stats.ms.total, cpuMs, objective: best.objective, checksum: permutationChecksum(best.rowToCol),
        certified: best.certificate.ok, gap: best.certificate.gap, stats: best.stats,
      };
      c = null;
      const { scipy, skipped } = runScipyPeer(py, kind, n, seed, reps);
      const equal = scipy ? Math.abs(ours.objective - scipy.objective) <= 1e-9 * Math.abs(scipy.objective) : null;
      const ratio = scipy ? scipy.ms / ours.ms : null;
      const row = {
        name, kind, n, seed, ours_ms: ours.ms, scipy_ms: scipy?.ms ?? null, ratio, optimum_equal: equal,
        ours_cpu_ms: ours.cpuMs, scipy_cpu_ms: scipy?.cpu_ms ?? null, cpu_ratio: scipy ? scipy.cpu_ms / ours.cpuMs : null,
        certified: ours.certified, gap: ours.gap, objective: ours.objective, scipy_objective: scipy?.objective ?? null,
        same_permutation: scipy ? scipy.checksum === ours.checksum : null, peak_rss_mb: peakRssMb(), skipped,
        phases_ms: ours.stats.ms, rounds: ours.stats.certificateRounds, edges: ours.stats.edges,
      };
      rows.push(row);
      log(`${name} ${ours.ms.toFixed(0)} ${scipy ? scipy.ms.toFixed(0) : '-'} ${ratio ? ratio.toFixed(2) : '-'} ${equal ?? `skipped (${skipped})`}` +
        `   [cpu ms ${ours.cpuMs.toFixed(0)} vs ${scipy ? scipy.cpu_ms.toFixed(0) : '-'} (ratio ${row.cpu_ratio ? row.cpu_ratio.toFixed(2) : '-'}), certified ${ours.certified}, ` +
        `gap ${ours.gap.toExponential(1)}, rounds ${row.rounds}, peak RSS ${row.peak_rss_mb.toFixed(0)} MB]`);
    }
  }
  return rows;
}

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = runAssignBench({
    sizes: arg('sizes')?.split(',').map(Number),
    kinds: arg('kinds')?.split(','),
    seed: arg('seed') ? Number(arg('seed')) : undefined,
    reps: arg('reps') ? Number(arg('reps')) : undefined,
    python: process.argv.includes('--no-python') ? false : undefined,
  });
  const out = arg('json');
  if (out) writeFileSync(out, JSON.stringify(rows, null, 1) + '\n');
  if (rows.some((r) => r.optimum_equal === false || !r.certified)) process.exitCode = 1;
}
