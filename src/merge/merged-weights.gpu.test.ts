// The Merge function checks on the WebGPU engine (Dawn in Node): an MoE of separate experts
// gives the same logits with and without alignment; a mean-FFN shared expert does not; one
// expert on the anchor's backbone equals the anchor.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import { maxAbsDiff } from '../core/testing/compare';
import type { GpuContext } from '../gpu/context';
import { ALL_PIPELINES } from '../gpu/kernels';
import { useNodeGpu } from '../gpu/testing/node-gpu';
import { WebGpuBackend } from '../gpu/webgpu-backend';
import { Transformer } from '../model/transformer';
import { MemoryWeights, ffnNames, type HostTensor, type WeightProvider } from '../model/weights';
import { loadFixture } from '../model/testing/fixtures';
import { modelArchSpec, permuteFfn } from './ffn-permute';
import { MergedWeights, type MergeSpec } from './merged-weights';

let ctx: GpuContext;
useNodeGpu(async (c) => {
  ctx = c;
  await ctx.pipelines.prepare(ALL_PIPELINES);
});

async function sources() {
  const a = await loadFixture('qwen2').weights.toMemory();
  const cfg = a.config;
  const rng = new Rng(5);
  const m = new Map<string, HostTensor>();
  for (const [n, t] of a.tensors) m.set(n, { data: Float32Array.from(t.data, (v) => v + 0.02 * rng.normal()), shape: t.shape });
  const inverse: Int32Array[] = [];
  for (let l = 0; l < cfg.numLayers; l++) {
    const n = ffnNames(cfg, l, 'dense');
    const s = new Rng(100 + l).permutation(cfg.intermediateSize);
    const f = permuteFfn(modelArchSpec(cfg), l, { gate: m.get(n.gate)!, up: m.get(n.up)!, down: m.get(n.down)! }, s);
    m.set(n.gate, f.gate).set(n.up, f.up).set(n.down, f.down);
    const inv = new Int32Array(s.length);
    s.forEach((v, j) => (inv[v] = j));
    inverse.push(inv);
  }
  return { a, b: new MemoryWeights(cfg, m), inverse };
}

const TOKENS = Int32Array.from([3, 17, 5, 42, 8, 1, 29, 11]);
const logits = async (w: WeightProvider) => (await new Transformer(new WebGpuBackend(ctx), w).logits(TOKENS)).logits;

describe('MoE assembly on WebGPU', () => {
  it('alignment on/off: identical logits with separate experts, different with a mean shared expert', async () => {
    const { a, b, inverse } = await sources();
    const H = a.config.hiddenSize;
    const router = new Rng(9).normalArray(2 * H, 0.5);
    const base: MergeSpec = {
      anchor: 0, backbone: { rule: 'symphony', slerpT: 0.5 }, router: () => router,
      layout: { experts: [0, 1], topK: 2, normTopkProb: true, sharedExpert: 'none' },
    };
    const off = await logits(new MergedWeights([a, b], base));
    const on = await logits(new MergedWeights([a, b], { ...base, perms: [[null, null], inverse] }));
    expect(maxAbsDiff(on, off)).toBeLessThanOrEqual(1e-5);
    const shared = { ...base, layout: { ...base.layout, sharedExpert: 'aligned-mean' as const } };
    const sOff = await logits(new MergedWeights([a, b], shared));
    const sOn = await logits(new MergedWeights([a, b], { ...shared, perms: [[null, null], inverse] }));
    expect(maxAbsDiff(sOn, sOff)).toBeGreaterThan(1e-3);
  });

  it("one expert on the anchor's backbone equals the anchor", async () => {
    const { a, b } = await sources();
    const H = a.config.hiddenSize;
    const moe = new MergedWeights([a, b], {
      anchor: 0, backbone: { rule: 'anchor', slerpT: 0 }, router: () => new Float32Array(H),
      layout: { experts: [0], topK: 1, normTopkProb: true, sharedExpert: 'none' },
    });
    expect(maxAbsDiff(await logits(moe), await logits(a))).toBeLessThanOrEqual(1e-5);
  });
});
