// The CLI on the WebGPU backend in Node (npm `webgpu`, Dawn on SwiftShader here): `--backend
// webgpu` says which adapter it took and gives the CPU backend's logits and perplexities within
// float tolerance.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../core/testing/compare';
import { cli, CORPORA, CPU, DEMO, demoRecipe } from './testing/run-cli';

const GPU = ['--backend', 'webgpu'];
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'symphony-cli-gpu-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('CLI with --backend webgpu', () => {
  it('run: reports the webgpu backend; next-token logits equal the CPU backend\'s within 1e-3', async () => {
    const args = ['run', 'demo/code', '--ids', '5,17,42,7,99', '--top', '5', '--demo-dir', DEMO, '--json'];
    const g = await cli([...args, ...GPU]);
    expect(g.code, g.err).toBe(0);
    expect(g.err).toMatch(/^backend: webgpu on /m);
    const c = await cli([...args, ...CPU]);
    expect(c.code, c.err).toBe(0);
    expect(c.err).toMatch(/^backend: cpu/m);
    const gd = g.last.data as { logits: number[]; top: { id: number }[]; vocabSize: number };
    const cd = c.last.data as typeof gd;
    expect(gd.vocabSize).toBe(cd.vocabSize);
    expect(gd.logits).toHaveLength(cd.vocabSize);
    expect(maxAbsDiff(gd.logits, cd.logits)).toBeLessThanOrEqual(1e-3);
    expect(gd.top[0].id).toBe(cd.top[0].id);
  });

  it('eval: same per-domain perplexity JSON as the CPU backend (relative 1e-4)', async () => {
    const args = ['eval', 'demo/code', '--text', `code=${CORPORA}/code.validation.jsonl`, '--tokens', '64', '--window', '32', '--demo-dir', DEMO, '--json'];
    const g = await cli([...args, ...GPU]);
    expect(g.code, g.err).toBe(0);
    expect(g.err).toMatch(/^backend: webgpu on /m);
    const c = await cli([...args, ...CPU]);
    expect(c.code, c.err).toBe(0);
    type P = { perplexity: { domain: string; tokens: number; perplexity: number }[] };
    const gp = (g.last.data as P).perplexity;
    const cp = (c.last.data as P).perplexity;
    expect(gp.map((p) => [p.domain, p.tokens])).toEqual(cp.map((p) => [p.domain, p.tokens]));
    gp.forEach((p, i) => expect(Math.abs(p.perplexity / cp[i].perplexity - 1)).toBeLessThanOrEqual(1e-4));
  });

  it('merge: the recipe\'s router training runs on the WebGPU trainer and ends at the CPU trainer\'s loss (relative 1e-4)', async () => {
    const base = demoRecipe();
    const recipe = demoRecipe({
      calibration: { ...base.calibration, domains: [{ name: 'code', source: 'demo:code', tokens: 64 }, { name: 'prose', source: 'demo:prose', tokens: 64 }] },
      training: { ...base.training, steps: 2, lr: 1e-2 },
    });
    const path = join(tmp, 'recipe.json');
    await writeFile(path, JSON.stringify(recipe));
    const merge = (dir: string, backend: string[]) => cli(['merge', path, '--out', join(tmp, dir), '--demo-dir', DEMO, '--json', ...backend]);
    const g = await merge('gpu', GPU);
    expect(g.code, g.err + g.out).toBe(0);
    expect(g.out + g.err).toMatch(/on the webgpu-f32 trainer/);
    const c = await merge('cpu', CPU);
    expect(c.code, c.err + c.out).toBe(0);
    expect(c.out + c.err).toMatch(/on the cpu-f64 trainer/);
    type T = { training: { steps: number; lmLoss: number; auxLoss: number } };
    const gt = (g.last.data as T).training;
    const ct = (c.last.data as T).training;
    expect(gt.steps).toBe(2);
    expect(Math.abs(gt.lmLoss / ct.lmLoss - 1)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(gt.auxLoss / ct.auxLoss - 1)).toBeLessThanOrEqual(1e-4);
  });
});
