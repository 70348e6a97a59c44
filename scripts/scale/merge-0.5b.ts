/**
 * Scale bench: merge three Qwen2.5-0.5B-shaped synthetic sources (make-synthetic.ts) through the
 * CLI (`symphony merge`, the bundled CLI in a child process, CPU backend) with a small calibration budget
 * (3 domains x 2 windows of 32 tokens), centroid routers, no training, bf16 export; prints the
 * peak RSS and the wall time of the merge. Target: peak RSS <= 3 GB (about one source's worth).
 * Not part of `npm test` (minutes, GBs of disk):
 *
 *   npx tsx scripts/scale/merge-0.5b.ts [--dir /tmp/symphony-scale] [--keep] [--probe auto|moments|streamed] [--no-align]
 *
 * --no-align skips the alignment (the slowest stage on CPUs) to measure the rest quickly.
 *
 * Sources are generated first when missing (about 3 GB in --dir, in a child process so their
 * generation does not count) and deleted at the end with the export unless --keep.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_WORDS } from '../../src/core/testing/fixture-models';
import { Rng } from '../../src/core/rng';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dir = arg('dir') ?? join(tmpdir(), 'symphony-scale');
const keep = process.argv.includes('--keep');
const names = [0, 1, 2].map((i) => `qwen2.5-0.5b-${i}`);
if (names.some((n) => !existsSync(join(dir, n, 'config.json')))) {
  console.log(`generating the synthetic sources in ${dir} ...`);
  const r = spawnSync('npx', ['tsx', 'scripts/scale/make-synthetic.ts', '--shape', '0.5b', '--count', '3', '--out', dir], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

// Calibration text: word salad over the synthetic tokenizer's words, a different mix per domain.
const domains = ['prose', 'code', 'math'];
const work = join(dir, 'bench');
await mkdir(work, { recursive: true });
for (const [d, name] of domains.entries()) {
  const rng = new Rng(100 + d);
  const words = FIXTURE_WORDS.slice(d * 4).concat(FIXTURE_WORDS.slice(0, d * 4));
  const docs = Array.from({ length: 8 }, () => Array.from({ length: 60 }, () => words[Math.min(words.length - 1, Math.floor(rng.next() ** (d + 1) * words.length))]).join(''));
  await writeFile(join(work, `${name}.txt`), docs.join('\n\n'));
}
const recipe = {
  version: 1,
  sources: names.map((n, i) => ({ id: `../${n}`, revision: '', domain: domains[i] })),
  anchor: 0,
  backbone: { rule: 'symphony', slerpT: 0.5 },
  calibration: { domains: domains.map((name) => ({ name, source: `${name}.txt`, tokens: 64 })), seqLen: 32, contentHash: '' },
  alignment: { enabled: !process.argv.includes('--no-align'), partial: 1, anchorDomainOnly: false },
  moe: { experts: [0, 1, 2], topK: 2, normTopkProb: false, sharedExpert: 'none' },
  router: { init: 'centroids', seed: 0 },
  training: { scope: 'router', steps: 0, lr: 1e-3, schedule: 'constant', warmupSteps: 0, batchTokens: 64, seqLen: 32, balanceCoef: 0.01, zLossCoef: 0, gradClip: 1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, seed: 0 },
  export: { target: 'hf', dtype: 'bf16' },
};
await writeFile(join(work, 'recipe.json'), JSON.stringify(recipe, null, 1));
const out = join(work, 'out');
await rm(out, { recursive: true, force: true });

// The merge runs in the bundled CLI (a child process: the GPU modules load WGSL through Vite, so
// the CLI cannot be imported under tsx); its peak RSS is read from /proc (Linux) while it runs.
const hwmOf = (pid: number): number => {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
  } catch {
    return NaN;
  }
};
// Build the bundle first (when stale), so the Vite build is neither timed nor in the peak.
if (spawnSync(process.execPath, ['src/cli/launcher.mjs', '--version'], { stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) process.exit(1);
const t0 = performance.now();
const child = spawn(process.execPath, ['src/cli/launcher.mjs', 'merge', join(work, 'recipe.json'), '--out', out, '--backend', 'cpu', '--chunk-windows', '2', ...(arg('probe') ? ['--probe', arg('probe')!] : [])], { stdio: 'inherit' });
let peak = 0;
const sampler = setInterval(() => {
  const v = hwmOf(child.pid!);
  if (Number.isFinite(v)) peak = Math.max(peak, v);
}, 250);
const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? 1)));
const wall = (performance.now() - t0) / 1000;
clearInterval(sampler);
const GB = 1e9;
console.log(JSON.stringify({
  bench: 'merge-0.5b', exitCode: code, wallSeconds: Number(wall.toFixed(1)),
  peakRssGB: Number((peak / GB).toFixed(3)), targetGB: 3,
  note: 'peak = the child process VmHWM, sampled every 250 ms (dist-cli built beforehand, outside the measurement)',
}));
if (!keep) {
  await rm(dir, { recursive: true, force: true });
  console.log(`deleted ${dir}`);
}
process.exit(code);
