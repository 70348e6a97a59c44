/**
 * Test helpers: derive checkpoints from a dense fixture. `withFfn` swaps in other FFN weights
 * (a "source model" that shares the backbone); `moeFromDense` assembles a Qwen2-MoE or Mixtral
 * whose experts are given FFNs, with a random router and, for Qwen2-MoE, a shared expert that
 * contributes exactly zero (zero down_proj), so the MoE's output is sum_k p_k expert_k(x).
 */
import { Rng } from '../../core/rng';
import type { ModelConfig } from '../config';
import { ffnNames, routerName, MemoryWeights, type FfnWeights, type HostTensor } from '../weights';

export type Ffn = FfnWeights<HostTensor>;

export function denseFfn(w: MemoryWeights, l: number): Ffn {
  const n = ffnNames(w.config, l, 'dense');
  return { gate: w.tensors.get(n.gate)!, up: w.tensors.get(n.up)!, down: w.tensors.get(n.down)! };
}

/** A random FFN of the same shapes (another "source model"'s FFN). */
export function randomFfn(like: Ffn, seed: number, std = 0.15): Ffn {
  const rng = new Rng(seed);
  const r = (t: HostTensor): HostTensor => ({ data: rng.normalArray(t.data.length, std), shape: [...t.shape] });
  return { gate: r(like.gate), up: r(like.up), down: r(like.down) };
}

export function withFfn(base: MemoryWeights, ffnOf: (l: number) => Ffn): MemoryWeights {
  const m = new Map(base.tensors);
  for (let l = 0; l < base.config.numLayers; l++) {
    const n = ffnNames(base.config, l, 'dense');
    const f = ffnOf(l);
    m.set(n.gate, f.gate).set(n.up, f.up).set(n.down, f.down);
  }
  return new MemoryWeights(base.config, m);
}

export function moeFromDense(
  base: MemoryWeights, experts: (l: number) => Ffn[], kind: 'qwen2_moe' | 'mixtral', opts: { topK: number; normTopkProb: boolean; seed: number },
): MemoryWeights {
  const c = base.config;
  const numExperts = experts(0).length;
  const hasShared = kind === 'qwen2_moe';
  const config: ModelConfig = {
    ...c,
    modelType: kind,
    moe: {
      numExperts, topK: opts.topK, normTopkProb: kind === 'mixtral' ? true : opts.normTopkProb,
      expertIntermediateSize: c.intermediateSize, sharedExpertIntermediateSize: hasShared ? c.intermediateSize : 0,
      sparseLayers: Array(c.numLayers).fill(true) as boolean[],
    },
  };
  const m = new Map(base.tensors);
  const rng = new Rng(opts.seed);
  const H = c.hiddenSize;
  for (let l = 0; l < c.numLayers; l++) {
    const dn = ffnNames(c, l, 'dense');
    [dn.gate, dn.up, dn.down].forEach((n) => m.delete(n));
    experts(l).forEach((f, e) => {
      const n = ffnNames(config, l, e);
      m.set(n.gate, f.gate).set(n.up, f.up).set(n.down, f.down);
    });
    m.set(routerName(config, l), { data: rng.normalArray(numExperts * H, 0.8), shape: [numExperts, H] });
    if (hasShared) {
      const s = ffnNames(config, l, 'shared');
      const f = randomFfn(experts(l)[0], opts.seed + l);
      m.set(s.gate, f.gate).set(s.up, f.up).set(s.down, { data: new Float32Array(f.down.data.length), shape: [...f.down.shape] });
      m.set(`model.layers.${l}.mlp.shared_expert_gate.weight`, { data: rng.normalArray(H), shape: [1, H] });
    }
  }
  return new MemoryWeights(config, m);
}
