/**
 * The tensors an exported checkpoint holds, with their shapes, in the order they are written
 * (FORMATS.md names, [out, in] layout): embeddings, then each layer (norms, attention, the FFN or
 * the MoE block: router, experts, shared expert), the final norm and, when untied, lm_head.
 * The names agree with src/model/weights.ts (layerTensorNames), which a unit test checks; they
 * are restated here because core may not import the model layer.
 *
 * Qwen2-MoE always has a shared expert in transformers. A merged model without one is exported
 * with a width-1 shared expert whose four tensors are all zero: silu(0) * 0 = 0 and a zero
 * down_proj make its term exactly 0 in transformers and in our engine (docs/export.md).
 */
import type { ModelConfig } from '../../model/config';

export interface PlannedHfTensor {
  name: string;
  shape: number[];
  /** Written as zeros rather than read from the weights (the placeholder shared expert). */
  zero?: boolean;
}

/** Width of the all-zero shared expert written when the model has none. */
export const ZERO_SHARED_WIDTH = 1;

/** The config as exported: a Qwen2-MoE without a shared expert gets the zero placeholder. */
export function exportedModelConfig(cfg: ModelConfig): { config: ModelConfig; zeroShared: boolean } {
  if (cfg.modelType === 'qwen2_moe' && cfg.moe && cfg.moe.sharedExpertIntermediateSize === 0) {
    return { config: { ...cfg, moe: { ...cfg.moe, sharedExpertIntermediateSize: ZERO_SHARED_WIDTH } }, zeroShared: true };
  }
  return { config: cfg, zeroShared: false };
}

export function hfFfnNames(cfg: ModelConfig, l: number, which: 'dense' | 'shared' | number): { gate: string; up: string; down: string } {
  const p = `model.layers.${l}.`;
  if (which === 'dense') return { gate: `${p}mlp.gate_proj.weight`, up: `${p}mlp.up_proj.weight`, down: `${p}mlp.down_proj.weight` };
  if (which === 'shared') {
    return { gate: `${p}mlp.shared_expert.gate_proj.weight`, up: `${p}mlp.shared_expert.up_proj.weight`, down: `${p}mlp.shared_expert.down_proj.weight` };
  }
  if (cfg.modelType === 'mixtral') {
    const e = `${p}block_sparse_moe.experts.${which}.`;
    return { gate: `${e}w1.weight`, up: `${e}w3.weight`, down: `${e}w2.weight` };
  }
  const e = `${p}mlp.experts.${which}.`;
  return { gate: `${e}gate_proj.weight`, up: `${e}up_proj.weight`, down: `${e}down_proj.weight` };
}

export function hfRouterName(cfg: ModelConfig, l: number): string {
  return cfg.modelType === 'mixtral' ? `model.layers.${l}.block_sparse_moe.gate.weight` : `model.layers.${l}.mlp.gate.weight`;
}

export const sharedGateName = (l: number): string => `model.layers.${l}.mlp.shared_expert_gate.weight`;

/** Elements of a tensor of this shape. */
export const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Elements of every tensor of a plan together. */
export const planElements = (plan: readonly PlannedHfTensor[]): number => plan.reduce((a, t) => a + numel(t.shape), 0);

/** Every tensor of the exported checkpoint, in write order. `cfg` is the exported config. */
export function hfTensorPlan(cfg: ModelConfig, zeroShared = false): PlannedHfTensor[] {
  const H = cfg.hiddenSize;
  const qd = cfg.numHeads * cfg.headDim;
  const kvd = cfg.numKvHeads * cfg.headDim;
  const out: PlannedHfTensor[] = [{ name: 'model.embed_tokens.weight', shape: [cfg.vocabSize, H] }];
  const ffn = (n: { gate: string; up: string; down: string }, I: number, zero = false): void => {
    out.push({ name: n.gate, shape: [I, H], zero }, { name: n.up, shape: [I, H], zero }, { name: n.down, shape: [H, I], zero });
  };
  for (let l = 0; l < cfg.numLayers; l++) {
    const a = `model.layers.${l}.self_attn.`;
    out.push({ name: `model.layers.${l}.input_layernorm.weight`, shape: [H] }, { name: `model.layers.${l}.post_attention_layernorm.weight`, shape: [H] });
    out.push({ name: `${a}q_proj.weight`, shape: [qd, H] }, { name: `${a}k_proj.weight`, shape: [kvd, H] });
    out.push({ name: `${a}v_proj.weight`, shape: [kvd, H] }, { name: `${a}o_proj.weight`, shape: [H, qd] });
    if (cfg.attentionBias) out.push({ name: `${a}q_proj.bias`, shape: [qd] }, { name: `${a}k_proj.bias`, shape: [kvd] }, { name: `${a}v_proj.bias`, shape: [kvd] });
    const moe = cfg.moe;
    if (moe?.sparseLayers[l]) {
      out.push({ name: hfRouterName(cfg, l), shape: [moe.numExperts, H] });
      for (let e = 0; e < moe.numExperts; e++) ffn(hfFfnNames(cfg, l, e), moe.expertIntermediateSize);
      if (moe.sharedExpertIntermediateSize > 0) {
        ffn(hfFfnNames(cfg, l, 'shared'), moe.sharedExpertIntermediateSize, zeroShared);
        out.push({ name: sharedGateName(l), shape: [1, H], zero: zeroShared });
      }
    } else {
      ffn(hfFfnNames(cfg, l, 'dense'), cfg.intermediateSize);
    }
  }
  out.push({ name: 'model.norm.weight', shape: [H] });
  if (!cfg.tieWordEmbeddings) out.push({ name: 'lm_head.weight', shape: [cfg.vocabSize, H] });
  return out;
}
