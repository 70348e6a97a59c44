/**
 * Test helper (Node only): the qwen2 engine fixture and a related model, the same weights with
 * every FFN's neurons permuted and its gate / up weights perturbed (what alignment must undo).
 */
import { Rng } from '../../core/rng';
import { loadFixture } from '../../model/testing/fixtures';
import { MemoryWeights, ffnNames, type HostTensor } from '../../model/weights';
import { modelArchSpec, permuteFfn } from '../ffn-permute';

export async function relatedModel(seed: number): Promise<{ base: MemoryWeights; other: MemoryWeights }> {
  const base = await loadFixture('qwen2').weights.toMemory();
  const cfg = base.config;
  const m = new Map<string, HostTensor>(base.tensors);
  const rng = new Rng(seed);
  for (let l = 0; l < cfg.numLayers; l++) {
    const n = ffnNames(cfg, l, 'dense');
    const noisy = (t: HostTensor): HostTensor => ({ shape: t.shape, data: Float32Array.from(t.data, (v) => v * (1 + 0.3 * rng.normal())) });
    const f = permuteFfn(modelArchSpec(cfg), l, { gate: noisy(m.get(n.gate)!), up: noisy(m.get(n.up)!), down: m.get(n.down)! }, rng.permutation(cfg.intermediateSize));
    m.set(n.gate, f.gate).set(n.up, f.up).set(n.down, f.down);
  }
  return { base, other: new MemoryWeights(cfg, m) };
}
