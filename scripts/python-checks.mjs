// Python peer checks (run by `npm test`): the tiny merged MoEs are exported (f32) and loaded with
// stock transformers' AutoModelForCausalLM.from_pretrained; its logits on fixed tokens must match
// our CPU engine's within 1e-4 (max abs diff). The ONNX exports pass onnx.checker (full check) and
// Python onnxruntime's logits match ours within 1e-4; the ZIP export passes Python's zipfile.testzip.
// Python: $PYTHON, else .venv/bin/python in the repository root, else python3; without torch and
// transformers every check is counted as skipped and the reason printed.
// Writes test-results/python-checks.json {passed, failed, skipped, checks}; exits 1 on a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const OUT = join(ROOT, 'test-results');
const TOL = 1e-4;
const NAMES = ['qwen2_moe', 'qwen2_moe_shared', 'mixtral', 'mixtral_mistral'];
/** ONNX files checked: one per MoE, and one with its weights in an external data file. */
const ONNX = [...NAMES.map((n) => ({ name: n, file: `${n}.onnx`, label: `${n}.onnx` })),
  { name: 'qwen2_moe_shared', file: 'external/qwen2_moe_shared.onnx', label: 'qwen2_moe_shared.onnx with external data' }];
const checks = [];

function finish() {
  const count = (s) => checks.filter((c) => c.status === s).length;
  const res = { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), checks };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'python-checks.json'), JSON.stringify(res, null, 2) + '\n');
  console.log(`python peer checks: ${res.passed} passed, ${res.failed} failed, ${res.skipped} skipped`);
  process.exit(res.failed > 0 ? 1 : 0);
}

function findPython() {
  const candidates = [process.env.PYTHON, join(ROOT, '.venv', 'bin', 'python'), 'python3'].filter(Boolean);
  const why = [];
  for (const py of candidates) {
    if (py.includes('/') && !existsSync(py)) {
      why.push(`${py} does not exist`);
      continue;
    }
    const r = spawnSync(py, ['-c', 'import torch, transformers, safetensors; print(transformers.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { py, version: r.stdout.trim() };
    why.push(`${py}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? 'failed')}`);
  }
  return { py: null, why: why.join('; ') };
}

const py = findPython();
if (!py.py) {
  console.log(`skipped: no Python with torch + transformers + safetensors (${py.why})`);
  for (const n of NAMES) checks.push({ name: `transformers loads ${n}`, status: 'skipped', why: py.why });
  for (const x of ONNX) checks.push({ name: `onnx checker + onnxruntime run ${x.label}`, status: 'skipped', why: py.why });
  checks.push({ name: 'zipfile reads the ZIP export', status: 'skipped', why: py.why });
  finish();
}
console.log(`Python: ${py.py} (transformers ${py.version})`);

const tmp = mkdtempSync(join(tmpdir(), 'symphony-export-'));
try {
  const exp = spawnSync('npx', ['tsx', join('scripts', 'peers', 'export-tiny-moes.ts'), tmp], { cwd: ROOT, encoding: 'utf8' });
  if (exp.status !== 0) {
    checks.push({ name: 'export tiny MoEs', status: 'failed', why: exp.stderr || exp.stdout });
    console.error(exp.stderr || exp.stdout);
    finish();
  }
  const ours = JSON.parse(readFileSync(join(tmp, 'ours.json'), 'utf8'));
  for (const name of NAMES) {
    const o = ours[name];
    const r = spawnSync(py.py, [join(ROOT, 'scripts', 'peers', 'check_export.py'), join(tmp, name), o.tokens.join(',')], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    let theirs = null;
    try { theirs = JSON.parse(r.stdout.trim().split('\n').pop()); } catch { /* reported below */ }
    if (r.status !== 0 || !theirs?.logits) {
      const why = theirs?.error ?? (r.stderr.trim().split('\n').slice(-5).join('\n') || `exit ${r.status}`);
      checks.push({ name: `transformers loads ${name}`, status: 'failed', why });
      console.error(`FAIL ${name}: ${why}`);
      continue;
    }
    const flat = theirs.logits.flat();
    let diff = flat.length === o.logits.length ? 0 : Infinity;
    for (let i = 0; i < flat.length && diff !== Infinity; i++) diff = Math.max(diff, Math.abs(flat[i] - o.logits[i]));
    const ok = diff <= TOL;
    checks.push({ name: `transformers loads ${name}`, status: ok ? 'passed' : 'failed', architecture: theirs.architecture, maxAbsDiff: diff });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${theirs.architecture}, max |transformers - ours| = ${diff.toExponential(2)} (tolerance ${TOL})`);
  }
  const onnxOk = spawnSync(py.py, ['-c', 'import onnx, onnxruntime, numpy'], { encoding: 'utf8' }).status === 0;
  for (const { name, file, label: what } of ONNX) {
    const label = `onnx checker + onnxruntime run ${what}`;
    if (!onnxOk) {
      checks.push({ name: label, status: 'skipped', why: 'onnx / onnxruntime not importable' });
      console.log(`skipped: ${label} (onnx / onnxruntime not importable)`);
      continue;
    }
    const o = ours[name];
    const r = spawnSync(py.py, [join(ROOT, 'scripts', 'peers', 'check_onnx.py'), join(tmp, file), o.tokens.join(',')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    let res = null;
    try { res = JSON.parse(r.stdout.trim().split('\n').pop()); } catch { /* reported below */ }
    if (r.status !== 0 || !res?.logits) {
      const why = r.stderr.trim().split('\n').slice(-5).join('\n') || `exit ${r.status}`;
      checks.push({ name: label, status: 'failed', why });
      console.error(`FAIL ${label}: ${why}`);
      continue;
    }
    const flat = res.logits.flat();
    let diff = flat.length === o.logits.length ? 0 : Infinity;
    for (let i = 0; i < flat.length && diff !== Infinity; i++) diff = Math.max(diff, Math.abs(flat[i] - o.logits[i]));
    const ok = diff <= TOL;
    checks.push({ name: label, status: ok ? 'passed' : 'failed', maxAbsDiff: diff });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: opset ${res.opset}, max |onnxruntime - ours| = ${diff.toExponential(2)}`);
  }
  const z = spawnSync(py.py, ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); bad = z.testzip(); print(len(z.namelist())); sys.exit(1 if bad else 0)', join(tmp, 'mixtral.zip')], { encoding: 'utf8' });
  const zok = z.status === 0;
  checks.push({ name: 'zipfile reads the ZIP export', status: zok ? 'passed' : 'failed', why: zok ? undefined : z.stderr });
  console.log(`${zok ? 'ok  ' : 'FAIL'} zipfile.testzip on the ZIP export (${z.stdout.trim()} entries)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
finish();
