/**
 * A miniature "demo family" for tests and benchmarks: two synthetic domains, two source models
 * fine-tuned from one tiny dense base (the qwen2 fixture) on one domain each with our own
 * trainer (scope 'all'), and a Qwen2-MoE assembled from them: backbone = linear mean of the
 * sources' non-FFN tensors, expert e = source e's FFN, a fresh random router, top-1 of 2 without
 * renormalisation (so the LM loss reaches the router through p), shared expert contributing
 * zero. Router-only training should then send each domain to its own expert.
 * Domains (token ids < 128): 'add' walks t -> (t + 3) mod 64 in [0, 64); 'mul' walks
 * t -> (5 t + 1) mod 64 shifted to [64, 128); each with 5% random jumps.
 */
import { Rng } from '../../../core/rng';
import type { TrainBackend } from '../../../core/train/train-backend';
import type { BackendTensor } from '../../../core/backend';
import { denseFfn, moeFromDense } from '../../testing/derive';
import { loadFixture } from '../../testing/fixtures';
import { ffnNames, MemoryWeights, type HostTensor } from '../../weights';
import { Trainer } from '../trainer';

export interface ToyDomain {
  name: string;
  train: Int32Array;
  heldOut: Int32Array;
}

export function toyStream(kind: 'add' | 'mul', n: number, seed: number): Int32Array {
  const r = new Rng(seed);
  const s = new Int32Array(n);
  let t = r.int(64);
  for (let i = 0; i < n; i++) {
    s[i] = kind === 'add' ? t : 64 + t;
    t = kind === 'add' ? (t + 3) % 64 : (t * 5 + 1) % 64;
    if (r.next() < 0.05) t = r.int(64);
  }
  return s;
}

export function toyDomains(tokens = 6000, heldOut = 1200): ToyDomain[] {
  return (['add', 'mul'] as const).map((k, i) => ({ name: k, train: toyStream(k, tokens, 10 + i), heldOut: toyStream(k, heldOut, 20 + i) }));
}

export interface ToyFamily {
  base: MemoryWeights;
  sources: MemoryWeights[];
  moe: MemoryWeights;
  domains: ToyDomain[];
}

export async function buildToyFamily<T extends BackendTensor>(
  be: TrainBackend<T>, o: { sourceSteps?: number; lr?: number; seed?: number } = {},
): Promise<ToyFamily> {
  const base = await loadFixture('qwen2').weights.toMemory();
  const domains = toyDomains();
  const sources: MemoryWeights[] = [];
  for (const d of domains) {
    const t = await Trainer.create(be, base, [d.train], {
      scope: 'all', steps: o.sourceSteps ?? 40, tokensPerStep: 124, windowLength: 32, windowsPerMicroBatch: 4,
      lr: o.lr ?? 1e-2, seed: o.seed ?? 0, balanceCoef: 0,
    });
    await t.run();
    sources.push(await t.weights());
  }
  const cfg = base.config;
  const ffnSet = new Set<string>();
  for (let l = 0; l < cfg.numLayers; l++) {
    const n = ffnNames(cfg, l, 'dense');
    ffnSet.add(n.gate).add(n.up).add(n.down);
  }
  const mean = new Map<string, HostTensor>();
  for (const [name, t] of base.tensors) {
    if (ffnSet.has(name)) {
      mean.set(name, t);
      continue;
    }
    const data = new Float32Array(t.data.length);
    for (const s of sources) {
      const d = s.tensors.get(name)!.data;
      for (let i = 0; i < data.length; i++) data[i] += d[i] / sources.length;
    }
    mean.set(name, { data, shape: [...t.shape] });
  }
  const backbone = new MemoryWeights(cfg, mean);
  const moe = moeFromDense(backbone, (l) => sources.map((s) => denseFfn(s, l)), 'qwen2_moe', { topK: 1, normTopkProb: false, seed: (o.seed ?? 0) + 7 });
  // A small router init: start near uniform (p ~ 1/2), as a freshly initialised router would.
  for (const [name, t] of moe.tensors) if (name.endsWith('mlp.gate.weight')) moe.tensors.set(name, { data: t.data.map((v) => v * 0.05), shape: t.shape });
  return { base, sources, moe, domains };
}
