// The Stage-1 pipeline end to end on the CPU engine with two fixture-derived sources: probe,
// match, merge with centroid routers, expert CKA (identical with and without alignment), layer
// CKA, and evaluation with a routing-by-domain matrix.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { Rng } from '../core/rng';
import { maxAbsDiff } from '../core/testing/compare';
import { MemoryWeights, ffnNames, type HostTensor } from '../model/weights';
import { loadFixture } from '../model/testing/fixtures';
import { modelArchSpec, permuteFfn } from './ffn-permute';
import { probe } from './probe';
import { matchNeurons } from './match';
import { MergedWeights } from './merged-weights';
import { centroidRouters, randomRouters } from './router-init';
import { expertCka, layerCka } from './cka';
import { evaluateModels } from './evaluate';

async function twoSources() {
  const a = await loadFixture('qwen2').weights.toMemory();
  const cfg = a.config;
  const rng = new Rng(2);
  const m = new Map<string, HostTensor>();
  for (const [n, t] of a.tensors) m.set(n, { data: Float32Array.from(t.data, (v) => v + 0.05 * rng.normal()), shape: t.shape });
  for (let l = 0; l < cfg.numLayers; l++) {
    const n = ffnNames(cfg, l, 'dense');
    const f = permuteFfn(modelArchSpec(cfg), l, { gate: m.get(n.gate)!, up: m.get(n.up)!, down: m.get(n.down)! }, new Rng(50 + l).permutation(cfg.intermediateSize));
    m.set(n.gate, f.gate).set(n.up, f.up).set(n.down, f.down);
  }
  return [a, new MemoryWeights(cfg, m)];
}

describe('Stage 1 pipeline (CPU)', () => {
  it('probe -> match -> merge -> CKA -> evaluate', async () => {
    const be = new CpuBackend();
    const ctx = { backend: be };
    const sources = await twoSources();
    const rng = new Rng(3);
    const V = sources[0].config.vocabSize;
    // Two "domains": low and high token ids.
    const dom = (lo: number) => Array.from({ length: 6 }, () => Int32Array.from({ length: 12 }, () => lo + rng.int(V / 2)));
    const windows = [...dom(0), ...dom(V / 2)];
    const p = await probe(sources, windows, { anchor: 0 }, ctx);
    const match = await matchNeurons(p, 0);
    expect(match.layers.every((d) => d.certified && d.meanCorrAfter >= d.meanCorrBefore)).toBe(true);

    const routers = await centroidRouters(sources[0], [windows.slice(0, 6), windows.slice(6)], ctx);
    expect(routers).toHaveLength(sources[0].config.numLayers);
    const H = sources[0].config.hiddenSize;
    const base = { anchor: 0, backbone: { rule: 'symphony' as const, slerpT: 0.5 }, layout: { experts: [0, 1], topK: 1, normTopkProb: false, sharedExpert: 'none' as const }, router: (l: number) => routers[l] };
    const aligned = new MergedWeights(sources, { ...base, perms: match.perms });
    const unaligned = new MergedWeights(sources, base);
    const ckaOn = await expertCka(aligned, windows, ctx);
    const ckaOff = await expertCka(unaligned, windows, ctx);
    for (let l = 0; l < ckaOn.length; l++) {
      expect(maxAbsDiff(ckaOn[l], ckaOff[l])).toBeLessThan(1e-9);
      expect(ckaOn[l][0]).toBe(1);
      expect(ckaOn[l][1]).toBeGreaterThan(0);
      expect(ckaOn[l][1]).toBeLessThanOrEqual(1);
    }
    const lc = layerCka(p)!;
    const S = 2 * sources[0].config.numLayers;
    expect(lc.length).toBe(S * S);
    for (let i = 0; i < S; i++) expect(lc[i * S + i]).toBe(1);

    const domains = [{ name: 'low', tokens: Int32Array.from(windows.slice(0, 6).flatMap((w) => [...w])) }, { name: 'high', tokens: Int32Array.from(windows.slice(6).flatMap((w) => [...w])) }];
    const ev = await evaluateModels([{ name: 'anchor', weights: sources[0] }, { name: 'symphony', weights: aligned }, { name: 'random-router', weights: new MergedWeights(sources, { ...base, router: (l) => randomRouters(2, 2, H, 1)[l] }) }], domains, { windowLength: 12 }, ctx);
    expect(ev).toHaveLength(3);
    expect(ev[0].routing).toBeNull();
    for (const e of ev) for (const d of e.perplexity) expect(d.perplexity).toBeGreaterThan(1);
    const r = ev[1].routing!;
    expect(r).toHaveLength(sources[0].config.numLayers);
    for (const layer of r) for (const row of layer) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });
});
