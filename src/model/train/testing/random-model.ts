/**
 * A randomly initialised checkpoint for any supported config (benchmarks and tests that need a
 * model of a given shape, e.g. the same tiny MoE that a PyTorch peer trains). Normal(0, std)
 * matrices, unit norm weights, zero biases; shapes in the HF [out, in] layout of FORMATS.md.
 */
import { Rng } from '../../../core/rng';
import type { ModelConfig } from '../../config';
import { MemoryWeights, type HostTensor } from '../../weights';
import { allTensorNames } from '../params';

export function tensorShape(cfg: ModelConfig, name: string): number[] {
  const H = cfg.hiddenSize;
  const qd = cfg.numHeads * cfg.headDim;
  const kvd = cfg.numKvHeads * cfg.headDim;
  const inter = name.includes('shared_expert.') ? cfg.moe!.sharedExpertIntermediateSize : name.includes('experts.') ? cfg.moe!.expertIntermediateSize : cfg.intermediateSize;
  const rules: [RegExp, number[]][] = [
    [/embed_tokens\.weight$|lm_head\.weight$/, [cfg.vocabSize, H]],
    [/norm\.weight$/, [H]],
    [/q_proj\.weight$/, [qd, H]],
    [/[kv]_proj\.weight$/, [kvd, H]],
    [/q_proj\.bias$/, [qd]],
    [/[kv]_proj\.bias$/, [kvd]],
    [/o_proj\.weight$/, [H, qd]],
    [/shared_expert_gate\.weight$/, [1, H]],
    [/\.gate\.weight$/, [cfg.moe?.numExperts ?? 0, H]],
    [/(gate_proj|up_proj|w1|w3)\.weight$/, [inter, H]],
    [/(down_proj|w2)\.weight$/, [H, inter]],
  ];
  for (const [re, shape] of rules) if (re.test(name)) return shape;
  throw new RangeError(`no shape rule for tensor "${name}"`);
}

export function randomWeights(cfg: ModelConfig, seed = 0, std = 0.05): MemoryWeights {
  const rng = new Rng(seed);
  const m = new Map<string, HostTensor>();
  for (const name of allTensorNames(cfg)) {
    const shape = tensorShape(cfg, name);
    const n = shape.reduce((a, b) => a * b, 1);
    const data = name.endsWith('norm.weight') ? new Float32Array(n).fill(1) : name.endsWith('.bias') ? new Float32Array(n) : rng.normalArray(n, std);
    m.set(name, { data, shape });
  }
  return new MemoryWeights(cfg, m);
}
