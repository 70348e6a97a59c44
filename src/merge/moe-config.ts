/**
 * The merged model's configuration: the anchor's architecture with its dense FFN replaced by an
 * MoE block of the chosen experts (FORMATS.md). Qwen2 sources become Qwen2-MoE (q/k/v biases,
 * optional shared expert); Llama and Mistral sources become Mixtral (no shared expert, top-k
 * always renormalised).
 */
import { InvalidArgumentError } from '../core/errors';
import type { ModelConfig } from '../model/config';

export type SharedExpertMode = 'none' | 'aligned-mean' | 'anchor';

export interface MoeLayout {
  /** Source index of each expert, in expert order (a source may appear more than once). */
  experts: number[];
  topK: number;
  normTopkProb: boolean;
  sharedExpert: SharedExpertMode;
}

export function moeFamily(dense: ModelConfig): 'qwen2_moe' | 'mixtral' {
  if (dense.modelType === 'qwen2') return 'qwen2_moe';
  if (dense.modelType === 'llama' || dense.modelType === 'mistral') return 'mixtral';
  throw new InvalidArgumentError(`Sources of type ${dense.modelType} are already MoE models; pick dense models (qwen2, llama, mistral) as sources.`);
}

export function moeConfig(anchor: ModelConfig, layout: MoeLayout, vocabSize = anchor.vocabSize): ModelConfig {
  const family = moeFamily(anchor);
  const E = layout.experts.length;
  if (E < 1) throw new InvalidArgumentError('An MoE needs at least one expert; add a source to the expert list.');
  if (!(layout.topK >= 1 && layout.topK <= E)) throw new InvalidArgumentError(`top-k must lie in 1..${E} (the number of experts).`);
  if (family === 'mixtral' && layout.sharedExpert !== 'none') {
    throw new InvalidArgumentError('Mixtral (the export format for Llama and Mistral sources) has no shared expert; choose "none".');
  }
  return {
    ...anchor,
    modelType: family,
    vocabSize,
    moe: {
      numExperts: E,
      topK: layout.topK,
      normTopkProb: family === 'mixtral' ? true : layout.normTopkProb,
      expertIntermediateSize: anchor.intermediateSize,
      sharedExpertIntermediateSize: layout.sharedExpert === 'none' ? 0 : anchor.intermediateSize,
      sparseLayers: Array<boolean>(anchor.numLayers).fill(true),
    },
  };
}
