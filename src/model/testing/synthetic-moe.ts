/**
 * A seeded Qwen2-MoE-shaped model of a chosen size (no shared expert, tied embeddings) for
 * benchmarks and profiling when no real checkpoint is at hand; browser and Node.
 */
import { hfTensorPlan } from '../../core/export/hf-tensors';
import { Rng } from '../../core/rng';
import type { ModelConfig } from '../config';
import { MemoryWeights, type HostTensor } from '../weights';

/** A seeded Qwen2-MoE-shaped model (no shared expert) for benchmarking; tied embeddings. */
export function syntheticMoe(size: { hidden: number; layers: number; heads: number; kvHeads: number; inter: number; experts: number; topK: number; vocab: number }, seed = 1): MemoryWeights {
  const cfg: ModelConfig = {
    modelType: 'qwen2_moe', vocabSize: size.vocab, hiddenSize: size.hidden, intermediateSize: size.inter, numLayers: size.layers,
    numHeads: size.heads, numKvHeads: size.kvHeads, headDim: size.hidden / size.heads, rmsNormEps: 1e-6, ropeTheta: 10000,
    ropeScaling: { type: 'default' }, tieWordEmbeddings: true, attentionBias: true, slidingWindow: null,
    moe: {
      numExperts: size.experts, topK: size.topK, normTopkProb: false, expertIntermediateSize: size.inter,
      sharedExpertIntermediateSize: 0, sparseLayers: Array<boolean>(size.layers).fill(true),
    },
  };
  const rng = new Rng(seed);
  const m = new Map<string, HostTensor>();
  for (const t of hfTensorPlan(cfg)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const data = t.shape.length === 1 && t.name.endsWith('norm.weight') ? new Float32Array(n).fill(1) : rng.normalArray(n, 1 / Math.sqrt(t.shape[t.shape.length - 1]));
    m.set(t.name, { data, shape: t.shape });
  }
  return new MemoryWeights(cfg, m);
}
