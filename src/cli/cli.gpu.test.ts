// The CLI on the WebGPU backend in Node (npm `webgpu`, Dawn on SwiftShader here): `--backend
// webgpu` says which adapter it took and gives the CPU backend's logits and perplexities within
// float tolerance.
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../core/testing/compare';
import { cli, CORPORA, CPU, DEMO } from './testing/run-cli';

const GPU = ['--backend', 'webgpu'];

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
});
