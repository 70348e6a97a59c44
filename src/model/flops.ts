/**
 * Floating-point operation count of one forward pass (multiply-add = 2 FLOPs), for benchmarks
 * that report achieved GFLOP/s next to the matmul kernel's. Counts the matrix products and the
 * attention products (causal: query i attends i + 1 keys); norms, RoPE and activations are
 * O(T * H) and left out. MoE layers count the router, top-k routed experts per token (the
 * sparse path; dense-expert taps cost numExperts / topK times more) and the shared expert.
 */
import type { ModelConfig } from './config';

export interface FlopOptions {
  /** Include the LM head over the full vocabulary for every token (default true). */
  lmHead?: boolean;
}

export function forwardFlops(cfg: ModelConfig, tokens: number, opts: FlopOptions = {}): number {
  const T = tokens;
  const H = cfg.hiddenSize;
  const qDim = cfg.numHeads * cfg.headDim;
  const kvDim = cfg.numKvHeads * cfg.headDim;
  const proj = 2 * T * H * (qDim + 2 * kvDim) + 2 * T * qDim * H;
  let visible = 0;
  for (let i = 0; i < T; i++) visible += cfg.slidingWindow ? Math.min(i + 1, cfg.slidingWindow) : i + 1;
  const attn = 2 * 2 * visible * qDim;
  let total = 0;
  for (let l = 0; l < cfg.numLayers; l++) {
    let ffn: number;
    const moe = cfg.moe;
    if (moe?.sparseLayers[l]) {
      ffn = 2 * T * H * moe.numExperts + moe.topK * 6 * T * H * moe.expertIntermediateSize;
      if (moe.sharedExpertIntermediateSize > 0) ffn += 6 * T * H * moe.sharedExpertIntermediateSize + 2 * T * H;
    } else {
      ffn = 6 * T * H * cfg.intermediateSize;
    }
    total += proj + attn + ffn;
  }
  if (opts.lmHead ?? true) total += 2 * T * H * cfg.vocabSize;
  return total;
}
