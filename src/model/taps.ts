/**
 * Taps: read-only views of intermediate activations, delivered to callbacks during a forward
 * pass so that statistics (moments, correlations, CKA) accumulate on the backend where the
 * activations live. A tapped tensor is only valid during the callback (the engine releases it
 * afterwards); callbacks must not keep it, and should not read it back to the host when it is
 * tokens x width. Rows are the batch's tokens in order (sequences concatenated).
 */
import type { BackendTensor, Routing } from '../core/backend';

export interface FfnHiddenTap<T> {
  layer: number;
  /** null for a dense FFN; the expert id in an MoE layer; 'shared' for Qwen2-MoE's shared expert. */
  expert: number | 'shared' | null;
  /** Which token rows `h` holds: null = all rows in order; else the routed rows (sparse mode). */
  rows: Int32Array | null;
  /** h = silu(gate x) * up x, [rows, I]: the input of down_proj (METHOD.md section 2). */
  h: T;
}

export interface ExpertOutputTap<T> {
  layer: number;
  expert: number;
  /** expert_e(x) on every token, [T, H], before the routing weight is applied. */
  y: T;
}

export interface ResidualTap<T> {
  /** 0..numLayers-1; numLayers with point 'final' for the final-normed hidden state. */
  layer: number;
  /** 'input': the residual stream entering the layer (layer 0: the embeddings); 'mid': after the
   *  attention residual add; 'final': after the final norm (the LM head's input). */
  point: 'input' | 'mid' | 'final';
  x: T;
}

type Cb<E> = (ev: E) => void | Promise<void>;

export interface Taps<T extends BackendTensor> {
  ffnHidden?: Cb<FfnHiddenTap<T>>;
  /** Setting this runs every expert on every token (dense mode) so outputs are comparable. */
  expertOutput?: Cb<ExpertOutputTap<T>>;
  residual?: Cb<ResidualTap<T>>;
  /** Per-layer routing decisions, as soon as the layer has routed. */
  routing?: Cb<{ layer: number; routing: Routing }>;
}

/** Replace a layer's routing (tests and ablations). Return the routing to use. */
export type RouteOverride = (layer: number, routing: Routing) => Routing;

/** Send every token to expert e alone, with weight 1 ("forced one-hot route"). */
export function forceExpert(e: number): RouteOverride {
  return (_layer, r) => ({
    ...r,
    topK: 1,
    experts: new Int32Array(r.tokens).fill(e),
    weights: new Float32Array(r.tokens).fill(1),
  });
}
