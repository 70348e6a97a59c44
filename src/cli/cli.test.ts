// The CLI in process on the tiny checkpoints (demo family, fixture Hub repos on a local server):
// exit codes (0 ok, 1 runtime error with the StudioError message, 2 usage), JSON output, and the
// merge -> run -> eval round trip on the CPU backend. No network.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureRepos } from '../../scripts/hub-server/fixtures';
import { startHubServer, type HubServer } from '../../scripts/hub-server/server';
import { cli, CORPORA, CPU, DEMO, demoRecipe } from './testing/run-cli';

let tmp: string;
let hub: HubServer;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'symphony-cli-'));
  await writeFixtureRepos(join(tmp, 'hub'));
  hub = await startHubServer({ root: join(tmp, 'hub') });
});
afterAll(async () => {
  await hub.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('usage', () => {
  it('prints help (0), and usage errors exit 2 with the usage text', async () => {
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['inspect', 'align', 'merge', 'eval', 'run', 'export-onnx', 'serve-hub']) expect(h.out).toContain(c);
    expect((await cli([])).code).toBe(2);
    const u = await cli(['frobnicate']);
    expect([u.code, u.err]).toEqual([2, expect.stringContaining('unknown command "frobnicate"')]);
    const f = await cli(['inspect', 'x', '--bogus']);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/unknown option --bogus[\s\S]*Usage: symphony inspect/);
    expect((await cli(['run', 'x', '--ids', '1', '--backend', 'tpu'])).err).toMatch(/--backend must be one of cpu, cpu-simd, webgpu, auto/);
    expect((await cli(['run', 'x', '--ids', 'a,b'])).code).toBe(2);
    expect((await cli(['align', join(DEMO, 'base')])).err).toMatch(/at least two SOURCEs/);
    expect((await cli(['merge', 'r.json'])).err).toMatch(/needs --out/);
    expect((await cli(['serve-hub'])).code).toBe(2);
    const j = await cli(['eval', 'm', '--json']);
    expect([j.code, j.last.event, j.last.exitCode]).toEqual([2, 'error', 2]);
  });
});

describe('inspect', () => {
  it('describes folders and says they are mergeable', async () => {
    const r = await cli(['inspect', join(DEMO, 'base'), join(DEMO, 'code'), '--json']);
    expect(r.code).toBe(0);
    const d = r.last.data as { sources: { modelType: string; hiddenSize: number; numLayers: number }[]; mergeability: { mergeable: boolean } };
    expect(d.sources.map((s) => [s.modelType, s.hiddenSize, s.numLayers])).toEqual([['qwen2', 128, 4], ['qwen2', 128, 4]]);
    expect(d.mergeability.mergeable).toBe(true);
  });
  it('reads Hub IDs from --hub-url; unknown sources and unmergeable sources exit 1 with the message', async () => {
    const ok = await cli(['inspect', 'fixtures/qwen-base', 'fixtures/qwen-math', '--hub-url', hub.url]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/mergeable: yes[\s\S]*rope_theta/);
    const missing = await cli(['inspect', 'fixtures/nope', '--hub-url', hub.url]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error: .*fixtures\/nope/m);
    const folder = await cli(['inspect', './no/such/folder']);
    expect([folder.code, folder.err]).toEqual([1, expect.stringContaining('The folder ./no/such/folder does not exist')]);
    const bad = await cli(['inspect', 'fixtures/qwen-base', 'fixtures/llama-tiny', '--hub-url', hub.url]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('mergeable: NO');
    expect(bad.err).toMatch(/cannot be merged: .*model_type/);
  });
});

describe('align', () => {
  it('prints permutations and diagnostics; the streamed path gives the same permutations', async () => {
    const args = ['align', join(DEMO, 'base'), join(DEMO, 'code'), '--calib', `code=${join(CORPORA, 'code.train.jsonl')}`, '--calib', `prose=${join(CORPORA, 'prose.train.jsonl')}`,
      '--tokens-per-domain', '96', '--seq-len', '32', ...CPU];
    const a = await cli(args);
    expect(a.code).toBe(0);
    expect(a.err).toMatch(/backend: cpu/);
    const d = JSON.parse(a.out) as { mode: string; tokens: number; permutations: (number[] | null)[][]; layers: { model: number; fixedPoints: number; certified: boolean }[]; calibration: { windows: number } };
    expect([d.mode, d.tokens, d.calibration.windows]).toEqual(['moments', 192, 6]);
    expect(d.permutations[0].every((p) => p === null)).toBe(true);
    expect(d.permutations[1]).toHaveLength(4);
    expect([...d.permutations[1][0]!].sort((x, y) => x - y)).toEqual([...Array(256).keys()]);
    // The code expert was branched from the base: its neurons already line up.
    expect(d.layers.every((l) => l.model === 1 && l.certified && l.fixedPoints > 0.9)).toBe(true);
    const s = await cli([...args, '--probe', 'streamed', '--json', '-q']);
    expect(s.code).toBe(0);
    expect((s.last.data as typeof d).permutations).toEqual(d.permutations);
    expect((s.last.data as typeof d).mode).toBe('streamed');
  });
});

describe('merge, run, eval', () => {
  const out = () => join(tmp, 'moe');
  const recipe = demoRecipe;
  const write = async (name: string, r: unknown) => {
    const p = join(tmp, name);
    await writeFile(p, typeof r === 'string' ? r : JSON.stringify(r));
    return p;
  };

  beforeAll(async () => {
    await writeFile(join(tmp, 'code.jsonl'), await readFile(join(CORPORA, 'code.train.jsonl')));
  });

  it('runs a recipe end to end and writes a loadable HF export', async () => {
    const r = await cli(['merge', await write('recipe.json', recipe()), '--out', out(), '--demo-dir', DEMO, '--json', ...CPU]);
    expect(r.code, r.err + r.out).toBe(0);
    const d = r.last.data as { export: { files: { name: string }[]; permutationsChecksum: string }; alignment: { mode: string }; training: { steps: number } };
    expect(d.export.files.map((f) => f.name)).toEqual(expect.arrayContaining(['config.json', 'model.safetensors', 'tokenizer.json', 'recipe.json', 'permutations.json', 'README.md']));
    expect(d.alignment.mode).toBe('moments');
    expect(d.training.steps).toBe(1);
    const cfg = JSON.parse(await readFile(join(out(), 'config.json'), 'utf8')) as Record<string, unknown>;
    expect([cfg.model_type, cfg.num_experts, cfg.num_experts_per_tok]).toEqual(['qwen2_moe', 2, 1]);
    const written = JSON.parse(await readFile(join(out(), 'recipe.json'), 'utf8')) as { calibration: { contentHash: string }; alignment: { permutationsChecksum: string } };
    expect(written.calibration.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(written.alignment.permutationsChecksum).toBe(d.export.permutationsChecksum);
    // Progress came as JSON lines before the result.
    expect(r.out.split('\n').some((l) => l.includes('"event":"progress"'))).toBe(true);
    // Refuses to overwrite.
    const again = await cli(['merge', join(tmp, 'recipe.json'), '--out', out(), '--demo-dir', DEMO, ...CPU]);
    expect([again.code, again.err]).toEqual([1, expect.stringContaining('is not empty')]);
  });

  it('merge -> recipe -> merge gives byte-identical tensors', async () => {
    // The recipe written next to the export re-runs the same merge (same calibration hash,
    // permutations, router training) and produces the same bytes.
    await writeFile(join(tmp, 'recipe-again.json'), await readFile(join(out(), 'recipe.json')));
    const again = join(tmp, 'moe-again');
    const r = await cli(['merge', join(tmp, 'recipe-again.json'), '--out', again, '--demo-dir', DEMO, ...CPU]);
    expect(r.code, r.err + r.out).toBe(0);
    const a = await readFile(join(out(), 'model.safetensors'));
    const b = await readFile(join(again, 'model.safetensors'));
    expect(b.length).toBe(a.length);
    expect(Buffer.compare(a, b)).toBe(0);
    expect(await readFile(join(again, 'permutations.json'), 'utf8')).toBe(await readFile(join(out(), 'permutations.json'), 'utf8'));
  });

  it('initialises the router from example prompts per expert (mergekit "hidden" mode)', async () => {
    const prompts = { init: 'prompts', seed: 0, prompts: [['function add(a, b) { return a + b; }', 'const xs = [1, 2, 3].map((x) => x * 2);'], ['Call me Ishmael. Some years ago, never mind how long precisely.']] };
    const dir = join(tmp, 'moe-prompts');
    const r = await cli(['merge', await write('recipe-prompts.json', recipe({ router: prompts, training: { ...recipe().training, steps: 0 } })), '--out', dir, '--demo-dir', DEMO, ...CPU]);
    expect(r.code, r.err + r.out).toBe(0);
    const bad = await cli(['merge', await write('recipe-prompts-bad.json', recipe({ router: { init: 'prompts', seed: 0, prompts: [['only one expert has prompts']] } })), '--out', join(tmp, 'moe-bad'), '--demo-dir', DEMO, ...CPU]);
    expect([bad.code, bad.err]).toEqual([1, expect.stringContaining('router.prompts')]);
  });

  it('runs and evaluates the merged MoE and a dense source', async () => {
    const logits = await cli(['run', out(), '--ids', '5,6,7', '--top', '3', ...CPU]);
    expect(logits.code).toBe(0);
    const l = JSON.parse(logits.out) as { logits: number[]; top: { id: number; prob: number }[]; vocabSize: number };
    expect(l.logits).toHaveLength(2048);
    expect(l.top[0].id).toBe(l.logits.indexOf(Math.max(...l.logits)));
    const gen = await cli(['run', 'demo/code', '--prompt', 'function', '--max-new-tokens', '4', '--json', ...CPU]);
    expect(gen.code).toBe(0);
    expect((gen.last.data as { tokens: number[] }).tokens.length).toBeGreaterThan(0);
    const ev = await cli(['eval', out(), '--text', `code=${join(CORPORA, 'code.validation.jsonl')}`, '--text', `prose=${join(CORPORA, 'prose.validation.jsonl')}`, '--tokens', '128', '--window', '64', '--json', ...CPU]);
    expect(ev.code).toBe(0);
    const e = ev.last.data as { perplexity: { domain: string; perplexity: number }[]; routing: number[][][] };
    expect(e.perplexity.map((p) => p.domain)).toEqual(['code', 'prose']);
    expect(e.perplexity.every((p) => p.perplexity > 1 && p.perplexity < 2048)).toBe(true);
    expect(e.routing).toHaveLength(4);
    const big = await cli(['run', out(), '--ids', '99999', ...CPU]);
    expect([big.code, big.err]).toEqual([1, expect.stringContaining('outside the vocabulary')]);
    // The WebAssembly SIMD backend gives the reference's logits and perplexities.
    const simd = await cli(['run', out(), '--ids', '5,6,7', '--top', '3', '--backend', 'cpu-simd']);
    expect(simd.code, simd.err).toBe(0);
    expect(simd.err).toMatch(/backend: CPU, WebAssembly SIMD/);
    const ls = (JSON.parse(simd.out) as { logits: number[] }).logits;
    expect(Math.max(...ls.map((x, i) => Math.abs(x - l.logits[i])))).toBeLessThanOrEqual(1e-4);
    const evs = await cli(['eval', out(), '--text', `code=${join(CORPORA, 'code.validation.jsonl')}`, '--text', `prose=${join(CORPORA, 'prose.validation.jsonl')}`, '--tokens', '128', '--window', '64', '--json', '--backend', 'cpu-simd']);
    const es = evs.last.data as { perplexity: { perplexity: number }[] };
    es.perplexity.forEach((p, i) => expect(Math.abs(p.perplexity / e.perplexity[i].perplexity - 1)).toBeLessThanOrEqual(1e-4));
  });

  it('bad recipes and unmergeable sources exit 1 with the message', async () => {
    const o = join(tmp, 'never');
    const notJson = await cli(['merge', await write('bad1.json', '{nope'), '--out', o]);
    expect([notJson.code, notJson.err]).toEqual([1, expect.stringContaining('not valid JSON')]);
    const topk = await cli(['merge', await write('bad2.json', recipe({ moe: { experts: [1, 2], topK: 3, normTopkProb: false, sharedExpert: 'none' } })), '--out', o]);
    expect([topk.code, topk.err]).toEqual([1, expect.stringContaining('moe.topK must lie in 1..2')]);
    const missing = await cli(['merge', join(tmp, 'nothing.json'), '--out', o]);
    expect([missing.code, missing.err]).toEqual([1, expect.stringContaining('cannot be read')]);
    const mixed = recipe({ sources: [{ id: 'fixtures/qwen-base', revision: '' }, { id: 'fixtures/llama-tiny', revision: '' }], moe: { experts: [0, 1], topK: 1, normTopkProb: false, sharedExpert: 'none' } });
    const um = await cli(['merge', await write('bad3.json', mixed), '--out', o, '--hub-url', hub.url, ...CPU]);
    expect([um.code, um.err]).toEqual([1, expect.stringMatching(/cannot be merged:[\s\S]*model_type/)]);
    expect(existsSync(o)).toBe(false);
  });
});

describe('serve-hub', () => {
  it('serves a folder as a Hub until stopped', async () => {
    const ac = new AbortController();
    let url = '';
    const done = cli(['serve-hub', '--root', join(tmp, 'hub'), '--port', '0', '--json'], ac.signal, (o) => {
      const m = /"url":"([^"]+)"/.exec(o);
      if (m) url = m[1];
    });
    while (!url) await new Promise((r) => setTimeout(r, 20));
    const info = (await (await fetch(`${url}/api/models/fixtures/qwen-base`)).json()) as { sha: string };
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    ac.abort();
    expect((await done).code).toBe(0);
  });
});
