// Probe + match on the CPU engine: a source whose FFN neurons are a hidden permutation of the
// anchor's is aligned back exactly, the anchor against itself is the identity, and aligning
// changes nothing an expert computes (the merged MoE's logits are the same either way).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { Rng } from '../core/rng';
import { invertPermutation } from '../core/assign/types';
import { MemoryWeights, ffnNames, type HostTensor } from '../model/weights';
import { loadFixture } from '../model/testing/fixtures';
import { modelArchSpec, permuteFfn } from './ffn-permute';
import { probe } from './probe';
import { matchNeurons } from './match';
import { linearCkaFromMoments } from '../core/stats/cka';

async function permutedCopy(seed: number) {
  const base = await loadFixture('qwen2').weights.toMemory();
  const cfg = base.config;
  const m = new Map<string, HostTensor>(base.tensors);
  const hidden: Int32Array[] = [];
  for (let l = 0; l < cfg.numLayers; l++) {
    const n = ffnNames(cfg, l, 'dense');
    const s = new Rng(seed + l).permutation(cfg.intermediateSize);
    hidden.push(s);
    const f = permuteFfn(modelArchSpec(cfg), l, { gate: m.get(n.gate)!, up: m.get(n.up)!, down: m.get(n.down)! }, s);
    m.set(n.gate, f.gate).set(n.up, f.up).set(n.down, f.down);
  }
  return { base, copy: new MemoryWeights(cfg, m), hidden };
}

function windows(n: number, len: number, vocab: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Int32Array.from({ length: len }, () => rng.int(vocab)));
}

describe('probe and match', () => {
  it('recovers a hidden permutation exactly and certifies it', async () => {
    const { base, copy, hidden } = await permutedCopy(40);
    const be = new CpuBackend();
    const p = await probe([base, copy], windows(12, 16, base.config.vocabSize, 1), { anchor: 0, chunkWindows: 5 }, { backend: be });
    expect(p.tokens).toBe(12 * 16);
    const r = await matchNeurons(p, 0);
    expect(r.perms[0].every((x) => x === null)).toBe(true);
    for (let l = 0; l < base.config.numLayers; l++) {
      expect([...r.perms[1][l]!]).toEqual([...invertPermutation(hidden[l])]);
    }
    for (const d of r.layers) {
      expect(d.certified).toBe(true);
      expect(d.meanCorrAfter).toBeCloseTo(1, 5);
      expect(d.meanCorrBefore).toBeLessThan(0.5);
      expect(d.histogram.reduce((a, b) => a + b, 0)).toBe(base.config.intermediateSize);
    }
  });

  it('a model against itself aligns to the identity; CKA is invariant to the permutation', async () => {
    const { base, copy } = await permutedCopy(7);
    const p = await probe([base, base, copy], windows(6, 16, base.config.vocabSize, 2), { anchor: 0, selfFull: true }, { backend: new CpuBackend() });
    const r = await matchNeurons(p, 0);
    for (const d of r.layers.filter((x) => x.model === 1)) expect(d.fixedPoints).toBe(1);
    // CKA(h_anchor, h_copy) is 1 although the copy's neurons are shuffled: CKA cannot see permutations.
    for (let l = 0; l < base.config.numLayers; l++) expect(linearCkaFromMoments(p.ffn[l], 0, 2)).toBeCloseTo(1, 6);
    // Residual streams: the copy computes the same function, so its layers match the anchor's exactly.
    const L = base.config.numLayers;
    expect(linearCkaFromMoments(p.residual!, 0 * L + 1, 2 * L + 1)).toBeCloseTo(1, 6);
  });

  it('stops on cancel', async () => {
    const { base, copy } = await permutedCopy(3);
    const ac = new AbortController();
    ac.abort();
    await expect(probe([base, copy], windows(4, 8, 64, 3), { anchor: 0 }, { backend: new CpuBackend(), signal: ac.signal })).rejects.toThrow(/cancelled/);
  });
});
