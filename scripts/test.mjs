// `npm test`: every check in order (typecheck, lint, layer imports, file sizes, unit tests,
// GPU kernel tests in Node, Playwright specs in headless Chromium, Python peer checks when
// Python is importable), then one summary line of counts. Exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { chromiumVersion, ensureChromium } from './chromium.mjs';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const OUT = join(ROOT, 'test-results');
const only = process.argv.slice(2);

const tally = { passed: 0, failed: 0, skipped: 0 };
const steps = [];

function run(cmd, args, env = {}) {
  return new Promise((res) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    p.on('close', (code) => res(code ?? 1));
    p.on('error', () => res(127));
  });
}

function record(name, passed, failed, skipped, ok) {
  tally.passed += passed;
  tally.failed += failed;
  tally.skipped += skipped;
  steps.push({ name, passed, failed, skipped, ok });
}

async function check(name, cmd, args) {
  console.log(`\n=== ${name}`);
  const code = await run(cmd, args);
  record(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1, 0, code === 0);
}

function vitestCounts(file) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    return { passed: j.numPassedTests, failed: j.numFailedTests + (j.numFailedTestSuites ?? 0), skipped: j.numPendingTests + j.numTodoTests };
  } catch {
    return null;
  }
}

async function vitest(name, project) {
  console.log(`\n=== ${name}`);
  const file = join(OUT, `vitest-${project}.json`);
  rmSync(file, { force: true });
  const code = await run('npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  const c = vitestCounts(file);
  if (!c) record(name, 0, 1, 0, false);
  else record(name, c.passed, c.failed + (code !== 0 && c.failed === 0 ? 1 : 0), c.skipped, code === 0);
}

function countPlaywright(file) {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const s = j.stats ?? {};
  return { passed: s.expected ?? 0, failed: (s.unexpected ?? 0) + (s.flaky ?? 0), skipped: s.skipped ?? 0 };
}

async function playwright(name, chromium) {
  console.log(`\n=== ${name}`);
  const file = join(OUT, 'e2e-report.json');
  rmSync(file, { force: true });
  const code = await run('npx', ['playwright', 'test'], { CHROMIUM_PATH: chromium });
  let c = null;
  try { c = countPlaywright(file); } catch { /* reported below */ }
  if (!c) record(name, 0, 1, 0, false);
  else record(name, c.passed, c.failed + (code !== 0 && c.failed === 0 ? 1 : 0), c.skipped, code === 0);
}

async function pythonPeers(name) {
  console.log(`\n=== ${name}`);
  const script = join(ROOT, 'scripts', 'python-checks.mjs');
  if (!existsSync(script)) {
    console.log('python peer checks: none defined yet');
    return;
  }
  const code = await run('node', [script]);
  const file = join(OUT, 'python-checks.json');
  let c = null;
  try { c = JSON.parse(readFileSync(file, 'utf8')); } catch { /* reported below */ }
  if (!c) record(name, 0, 1, 0, false);
  else record(name, c.passed, c.failed + (code !== 0 && c.failed === 0 ? 1 : 0), c.skipped, code === 0);
}

const want = (s) => only.length === 0 || only.includes(s);
mkdirSync(OUT, { recursive: true });
const t0 = Date.now();

let chromium = null;
if (want('e2e')) {
  try {
    chromium = ensureChromium();
    console.log(`Chromium: ${chromium} (${chromiumVersion(chromium)})`);
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e));
    record('chromium', 0, 1, 0, false);
  }
}
if (want('typecheck')) await check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (want('lint')) await check('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
if (want('layers')) await check('layer imports', 'node', ['scripts/check-layers.mjs']);
if (want('size')) await check('file sizes', 'node', ['scripts/check-size.mjs']);
if (want('unit')) await vitest('unit tests (Node)', 'unit');
if (want('gpu')) await vitest('GPU kernel tests (Node, WebGPU)', 'gpu-node');
if (want('e2e') && chromium) await playwright('browser kernel and e2e tests (Chromium)', chromium);
if (want('python')) await pythonPeers('Python peer checks');

console.log('\n=== summary');
for (const s of steps) {
  console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(44)} ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`);
}
console.log(`(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
const anyFail = steps.some((s) => !s.ok) || tally.failed > 0;
console.log(`total: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
process.exit(anyFail ? 1 : 0);
