/**
 * ComputeBackend: the ops a decoder-only transformer (dense or MoE) needs, behind one interface
 * with two implementations, the CPU reference (src/core/cpu-backend.ts) and WebGPU. The model
 * code (src/model) only talks to this interface, so every stage runs on both and tests compare
 * them.
 *
 * Conventions: activations are row-major f32 [rows, cols] (rows = tokens). Linear weights are in
 * the HF [out, in] layout. Tensors are opaque handles owned by the backend; `release` returns
 * their memory. Every op is async so that a GPU backend can record dispatches and read back
 * only what the interface explicitly returns as host arrays (routing decisions [T, E] and
 * per-token losses [T]); nothing of size tokens x hidden or tokens x vocab is read back.
 */

/** A backend-owned tensor. `shape` is row-major; the data lives wherever the backend keeps it. */
export interface BackendTensor {
  readonly shape: readonly number[];
}

/** Rotary embedding tables: inverse frequencies [headDim / 2] and the cos/sin scale. */
export interface RopeTable {
  invFreq: Float64Array;
  /** Multiplies cos and sin (HF "attention_scaling"; 1 for default and llama3). */
  attentionScaling: number;
}

export interface AttentionOptions {
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  /** Absolute position of query row 0 minus that of key row 0 (KV cache length before q). */
  queryOffset: number;
  /** Keys at distance >= window from the query are masked (Mistral); null = no window. */
  slidingWindow: number | null;
  /** Score scale, normally headDim^-0.5. */
  scale: number;
}

/**
 * Routing decisions of one MoE layer for T tokens (small host arrays, kept for charts).
 * probs: softmax over all E experts [T, E]; experts: chosen ids [T, k] in descending
 * probability; weights: their combine weights [T, k] (renormalised when asked).
 */
export interface Routing {
  tokens: number;
  numExperts: number;
  topK: number;
  probs: Float32Array;
  experts: Int32Array;
  weights: Float32Array;
}

export interface NllOptions {
  /** Vocabulary rows per chunk of the LM head; bounds the [rows, chunk] logits buffer. */
  vocabChunk?: number;
}

export interface ComputeBackend<T extends BackendTensor = BackendTensor> {
  readonly name: string;

  upload(data: Float32Array, shape: readonly number[], label?: string): Promise<T>;
  zeros(shape: readonly number[], label?: string): Promise<T>;
  /** Copy to the host. Meant for small results, tests and generation's last-row logits. */
  read(t: T): Promise<Float32Array>;
  release(...ts: (T | null | undefined)[]): void;

  /**
   * y[N, out] = scale * (x[N, in] @ w[out, in]^T) (+ bias[out]) (+ residual[N, out]): the
   * residual add of a decoder layer fused into its output projection, and with `scale` (default
   * 1) a routed expert's weighted output added onto the residual stream (x is not modified).
   */
  linear(x: T, w: T, bias?: T | null, residual?: T | null, scale?: number): Promise<T>;
  /** HF RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * w. */
  rmsnorm(x: T, w: T, eps: number): Promise<T>;
  /**
   * Rotary embedding (HF rotate_half convention: pairs (i, i + headDim/2)) applied to every head
   * of x [N, nHeads * headDim]; row r has absolute position positions[r].
   */
  rope(x: T, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): Promise<T>;
  /**
   * Causal grouped-query attention. q [Tq, nHeads*hd], k/v [Tk, nKvHeads*hd] -> [Tq, nHeads*hd].
   * Query row i sits at key position queryOffset + i and sees keys j <= queryOffset + i.
   * Implementations use an online (tiled) softmax: no [Tq, Tk] buffer per head is needed.
   */
  attention(q: T, k: T, v: T, opts: AttentionOptions): Promise<T>;
  /**
   * SwiGLU's hidden state silu(x @ gate^T) * (x @ up^T) for x [N, in], gate / up [out, in]:
   * the same as two `linear`s and `siluMul`, which a backend may fuse.
   */
  swiglu(x: T, gate: T, up: T): Promise<T>;
  /** silu(gate) * up, element-wise (SwiGLU). */
  siluMul(gate: T, up: T): Promise<T>;
  /** a + b, same shape. */
  add(a: T, b: T): Promise<T>;
  /** y[r, :] = x[r, :] * sigmoid(s[r]) for s [N, 1] (Qwen2-MoE's shared-expert gate). */
  mulSigmoidRows(x: T, s: T): Promise<T>;
  /** Rows of `table` [V, H] for each id -> [ids.length, H]. */
  embedding(table: T, ids: Int32Array): Promise<T>;
  /** Rows of x [N, H] at `rows` -> [rows.length, H]. */
  gatherRows(x: T, rows: Int32Array): Promise<T>;
  /**
   * In place: acc[dstRows[i], :] += weights[i] * src[srcRows ? srcRows[i] : i, :].
   * The weighted scatter of expert outputs back to their tokens.
   */
  scatterAddRows(acc: T, src: T, dstRows: Int32Array, weights: Float32Array, srcRows?: Int32Array): Promise<void>;
  /** Rows of b appended to a (KV cache growth). */
  concatRows(a: T, b: T): Promise<T>;
  /**
   * Router: p = softmax(logits [T, E]) in f32 over all experts, top-k of p (ties to the lower
   * id), renormalised to sum 1 when `renormalize`.
   */
  routeTopK(logits: T, topK: number, renormalize: boolean): Promise<Routing>;
  /**
   * Per-row negative log-likelihood of targets under softmax(x @ w^T): x [N, H], w [V, H],
   * computed over vocabulary chunks with an online log-sum-exp, so no [N, V] buffer exists.
   * Rows whose target is < 0 get NaN (not scored).
   */
  lmHeadNll(x: T, w: T, targets: Int32Array, opts?: NllOptions): Promise<Float64Array>;
}
