/**
 * Tiny merged MoEs for export checks. Each is a
 * MergedWeights over two sources derived from one dense fixture: the fixture itself (the anchor)
 * and a copy with perturbed attention and permuted, jittered FFN neurons, aligned back by the
 * inverse permutation, with a seeded router large enough that top-k choices are far from ties.
 * `tinyMoe` reads the fixtures from disk (Node); browser pages pass their own loader to
 * `tinyMoeFrom` (tiny-moes-core.ts, no Node imports).
 *   qwen2_moe         Qwen2 sources, 2 experts, top-1, no shared expert (exported as the zero placeholder)
 *   qwen2_moe_shared  Qwen2 sources, 3 experts, top-2 renormalised, aligned-mean shared expert
 *   mixtral           Llama 3.1-rope sources (head_dim 16 != hidden/heads), 2 experts, top-2
 *   mixtral_mistral   Mistral sources (sliding window 5), 3 experts, top-2
 */
import { Rng } from '../../core/rng';
import { ffnNames, MemoryWeights, type HostTensor } from '../../model/weights';
import type { FixtureName } from '../../model/testing/fixtures';
import { modelArchSpec, permuteFfn } from '../ffn-permute';
import { MergedWeights, type MergeSpec } from '../merged-weights';
import type { MoeLayout } from '../moe-config';

export const TINY_MOES = ['qwen2_moe', 'qwen2_moe_shared', 'mixtral', 'mixtral_mistral'] as const;
export type TinyMoeName = (typeof TINY_MOES)[number];

/** Fixed token ids (< 128) the checks compare logits on. */
export const CHECK_TOKENS = [1, 17, 42, 99, 5, 5, 77, 3, 64, 12, 127, 0];

export interface TinyMoe {
  name: TinyMoeName;
  weights: MergedWeights;
  /** The anchor's raw config.json. */
  anchorConfig: Record<string, unknown>;
  perms: (Int32Array | null)[][];
}

/** Loads a dense engine fixture: its weights in memory and its raw config.json. */
export type FixtureLoader = (fixture: FixtureName) => Promise<{ weights: MemoryWeights; rawConfig: Record<string, unknown> }>;

async function twoSources(load: FixtureLoader, fixture: FixtureName) {
  const fx = await load(fixture);
  const base = fx.weights;
  const cfg = base.config;
  const rng = new Rng(5);
  const m = new Map<string, HostTensor>();
  for (const [name, t] of base.tensors) {
    const noisy = name.includes('self_attn') ? Float32Array.from(t.data, (v) => v + 0.02 * rng.normal()) : t.data;
    m.set(name, { data: noisy, shape: t.shape });
  }
  const inverse: Int32Array[] = [];
  for (let l = 0; l < cfg.numLayers; l++) {
    const n = ffnNames(cfg, l, 'dense');
    const sigma = new Rng(100 + l).permutation(cfg.intermediateSize);
    const f = permuteFfn(modelArchSpec(cfg), l, { gate: m.get(n.gate)!, up: m.get(n.up)!, down: m.get(n.down)! }, sigma);
    const jitter = (t: HostTensor): HostTensor => ({ data: Float32Array.from(t.data, (v) => v + 0.05 * rng.normal()), shape: t.shape });
    m.set(n.gate, jitter(f.gate)).set(n.up, jitter(f.up)).set(n.down, jitter(f.down));
    const inv = new Int32Array(sigma.length);
    sigma.forEach((v, j) => (inv[v] = j));
    inverse.push(inv);
  }
  return { a: base, b: new MemoryWeights(cfg, m), inverse, raw: fx.rawConfig };
}

export async function tinyMoeFrom(load: FixtureLoader, name: TinyMoeName): Promise<TinyMoe> {
  const fixture: FixtureName = name.startsWith('qwen2') ? 'qwen2' : name === 'mixtral' ? 'llama' : 'mistral';
  const { a, b, inverse, raw } = await twoSources(load, fixture);
  const layouts: Record<TinyMoeName, MoeLayout> = {
    qwen2_moe: { experts: [0, 1], topK: 1, normTopkProb: false, sharedExpert: 'none' },
    qwen2_moe_shared: { experts: [0, 1, 1], topK: 2, normTopkProb: true, sharedExpert: 'aligned-mean' },
    mixtral: { experts: [0, 1], topK: 2, normTopkProb: true, sharedExpert: 'none' },
    mixtral_mistral: { experts: [1, 0, 1], topK: 2, normTopkProb: true, sharedExpert: 'none' },
  };
  const layout = layouts[name];
  const H = a.config.hiddenSize;
  const E = layout.experts.length;
  const routers = new Map<number, Float32Array>();
  const perms: (Int32Array | null)[][] = [a.config.numLayers ? Array<null>(a.config.numLayers).fill(null) : [], inverse];
  const spec: MergeSpec = {
    anchor: 0,
    backbone: { rule: 'symphony', slerpT: 0.4 },
    layout,
    perms,
    router: (l) => {
      if (!routers.has(l)) routers.set(l, new Rng(31 + l).normalArray(E * H, 1.5));
      return routers.get(l)!;
    },
  };
  return { name, weights: new MergedWeights([a, b], spec), anchorConfig: raw, perms };
}
