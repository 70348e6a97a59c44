// Function checks of the MoE assembly (issue "Merge" item 6) on the CPU engine, with sources
// derived from the tiny Qwen2 and Llama fixtures: a second model whose FFN neurons are a hidden
// permutation of the first's plus noise, and whose attention is perturbed.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { Rng } from '../core/rng';
import { maxAbsDiff } from '../core/testing/compare';
import { Transformer } from '../model/transformer';
import { MemoryWeights, ffnNames, type HostTensor } from '../model/weights';
import { loadFixture, type FixtureName } from '../model/testing/fixtures';
import { modelArchSpec, permuteFfn } from './ffn-permute';
import { MergedWeights, type MergeSpec } from './merged-weights';

async function sources(fixture: FixtureName) {
  const base = await loadFixture(fixture).weights.toMemory();
  const cfg = base.config;
  const rng = new Rng(5);
  const perms: Int32Array[] = [];
  const m = new Map<string, HostTensor>();
  for (const [name, t] of base.tensors) {
    const noisy = name.includes('self_attn') ? Float32Array.from(t.data, (v) => v + 0.02 * rng.normal()) : t.data;
    m.set(name, { data: noisy, shape: t.shape });
  }
  for (let l = 0; l < cfg.numLayers; l++) {
    const n = ffnNames(cfg, l, 'dense');
    const sigma = new Rng(100 + l).permutation(cfg.intermediateSize);
    perms.push(sigma);
    const f = permuteFfn(modelArchSpec(cfg), l, { gate: m.get(n.gate)!, up: m.get(n.up)!, down: m.get(n.down)! }, sigma);
    const jitter = (t: HostTensor): HostTensor => ({ data: Float32Array.from(t.data, (v) => v + 0.01 * rng.normal()), shape: t.shape });
    m.set(n.gate, jitter(f.gate)).set(n.up, jitter(f.up)).set(n.down, jitter(f.down));
  }
  // Source 1 holds the anchor's neurons at sigma(j): aligning it back needs the inverse.
  const inverse = perms.map((s) => {
    const inv = new Int32Array(s.length);
    s.forEach((v, j) => (inv[v] = j));
    return inv;
  });
  return { a: base, b: new MemoryWeights(cfg, m), inverse };
}

function spec(E: number, H: number, over: Partial<MergeSpec> = {}): MergeSpec {
  const rng = new Rng(9);
  const routers = new Map<number, Float32Array>();
  return {
    anchor: 0,
    backbone: { rule: 'symphony', slerpT: 0.5 },
    layout: { experts: [0, 1], topK: 1, normTopkProb: false, sharedExpert: 'none' },
    router: (l) => {
      if (!routers.has(l)) routers.set(l, rng.normalArray(E * H, 0.5));
      return routers.get(l)!;
    },
    ...over,
  };
}

async function logits(wp: MergedWeights | MemoryWeights, tokens: number[]): Promise<Float32Array> {
  return (await new Transformer(new CpuBackend(), wp).logits(Int32Array.from(tokens))).logits;
}

const TOKENS = [3, 17, 5, 42, 8, 1, 29, 11];

describe('MoE assembly', () => {
  for (const fixture of ['qwen2', 'llama'] as const) {
    it(`${fixture}: one expert on the anchor's backbone equals the anchor`, async () => {
      const { a, b } = await sources(fixture);
      const H = a.config.hiddenSize;
      const moe = new MergedWeights([a, b], spec(1, H, { backbone: { rule: 'anchor', slerpT: 0 }, layout: { experts: [0], topK: 1, normTopkProb: true, sharedExpert: 'none' } }));
      expect(moe.config.modelType).toBe(fixture === 'qwen2' ? 'qwen2_moe' : 'mixtral');
      expect(maxAbsDiff(await logits(moe, TOKENS), await logits(a, TOKENS))).toBeLessThanOrEqual(1e-5);
    });

    it(`${fixture}: alignment on or off gives identical MoE logits when experts are separate`, async () => {
      const { a, b, inverse } = await sources(fixture);
      const H = a.config.hiddenSize;
      const s = spec(2, H, { layout: { experts: [0, 1], topK: 2, normTopkProb: true, sharedExpert: 'none' } });
      const off = new MergedWeights([a, b], s);
      const on = new MergedWeights([a, b], { ...s, perms: [[null, null], inverse] });
      expect(maxAbsDiff(await logits(on, TOKENS), await logits(off, TOKENS))).toBeLessThanOrEqual(1e-5);
    });
  }

  it('qwen2: with an aligned-mean shared expert, alignment changes the function and helps', async () => {
    const { a, b, inverse } = await sources('qwen2');
    const H = a.config.hiddenSize;
    const s = spec(2, H, { backbone: { rule: 'anchor', slerpT: 0 }, layout: { experts: [0, 1], topK: 1, normTopkProb: false, sharedExpert: 'aligned-mean' } });
    const off = await logits(new MergedWeights([a, b], s), TOKENS);
    const on = await logits(new MergedWeights([a, b], { ...s, perms: [[null, null], inverse] }), TOKENS);
    expect(maxAbsDiff(on, off)).toBeGreaterThan(1e-3);
    // The aligned mean of two near-copies is close to the anchor's FFN; the unaligned mean is not,
    // so a shared-expert-only model is closer to the anchor with alignment.
    const anchorLogits = await logits(a, TOKENS);
    const sharedOnly = async (perms: MergeSpec['perms']) => {
      const wp = new MergedWeights([a, b], { ...s, perms });
      // Silence the routed experts so that only the shared expert acts.
      const m = new Map<string, HostTensor>();
      for (let l = 0; l < wp.config.numLayers; l++) {
        for (let e = 0; e < 2; e++) {
          const n = ffnNames(wp.config, l, e);
          const d = await wp.getTensor(n.down);
          m.set(n.down, { data: new Float32Array(d.data.length), shape: d.shape });
        }
      }
      const silenced = { config: wp.config, getTensor: (name: string) => (m.has(name) ? Promise.resolve(m.get(name)!) : wp.getTensor(name)) };
      return (await new Transformer(new CpuBackend(), silenced).logits(Int32Array.from(TOKENS))).logits;
    };
    const dOn = maxAbsDiff(await sharedOnly([[null, null], inverse]), anchorLogits);
    const dOff = maxAbsDiff(await sharedOnly(null), anchorLogits);
    expect(dOn).toBeLessThan(dOff);
  });

  it('rejects a shared expert for Mixtral and bad indices with actionable errors', async () => {
    const { a, b } = await sources('llama');
    const H = a.config.hiddenSize;
    expect(() => new MergedWeights([a, b], spec(2, H, { layout: { experts: [0, 1], topK: 1, normTopkProb: true, sharedExpert: 'aligned-mean' } }))).toThrow(/no shared expert/);
    expect(() => new MergedWeights([a, b], spec(2, H, { anchor: 3 }))).toThrow(/anchor 3/);
    expect(() => new MergedWeights([a, b], spec(2, H, { layout: { experts: [0, 1], topK: 3, normTopkProb: true, sharedExpert: 'none' } }))).toThrow(/top-k/);
  });
});
