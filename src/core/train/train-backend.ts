/**
 * TrainBackend: the forward and backward ops the differentiable model (src/model/train) needs,
 * behind one interface so that the CPU reference (cpu-train-backend.ts, f64) and a later WebGPU
 * backend run the same training step. Conventions follow ComputeBackend (src/core/backend.ts):
 * activations are row-major [rows, cols], linear weights [out, in], tensors are opaque handles.
 *
 * Ops that only record work (every forward and backward op) return handles synchronously: a GPU
 * backend encodes dispatches synchronously and only reading back is asynchronous. What crosses
 * to the host is small by construction: router logits [T, E], per-row dot products [T], per-row
 * losses [T], scalar sums of squares, and (for checkpoints) parameters and optimiser moments.
 * Gradient tensors are accumulated in place (`+=`) so micro-batches and tied weights add up.
 */
import type { BackendTensor, RopeTable } from '../backend';
import type { TrainAttentionOptions } from '../grad/attention';
import type { AdamWStep } from './optim';

export interface TrainBackend<T extends BackendTensor = BackendTensor> {
  readonly name: string;

  upload(data: Float32Array | Float64Array, shape: readonly number[]): T;
  zeros(shape: readonly number[]): T;
  read(t: T): Promise<Float64Array>;
  /** Overwrite t's contents (restoring a checkpoint). */
  write(t: T, data: ArrayLike<number>): void;
  fillZero(t: T): void;
  release(...ts: (T | null | undefined)[]): void;

  // Forward.
  linear(x: T, w: T, bias?: T | null): T;
  rmsnorm(x: T, w: T, eps: number): T;
  rope(x: T, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): T;
  /** Causal GQA over independent segments; lse [rows, nHeads] is what the backward needs. */
  attention(q: T, k: T, v: T, o: TrainAttentionOptions): { out: T; lse: T };
  siluMul(g: T, u: T): T;
  add(a: T, b: T): T;
  /** acc += x. */
  addInPlace(acc: T, x: T): void;
  /** y[r] = x[r] * sigmoid(s[r]), s [rows, 1]. */
  mulSigmoidRows(x: T, s: T): T;
  embedding(table: T, ids: Int32Array): T;
  gatherRows(x: T, rows: Int32Array): T;
  /** acc[dst[i]] += w[i] * src[i]. */
  scatterAddRows(acc: T, src: T, dst: Int32Array, w: ArrayLike<number>): void;
  /** y[r] = x[r] * s[r]. */
  scaleRows(x: T, s: ArrayLike<number>): T;

  // Backward. Weight gradients are added into dw / db when given (null: frozen, skipped).
  /** Returns dx = dy W when needDx, else null. */
  linearBackward(dy: T, x: T, w: T, dw: T | null, db: T | null, needDx: boolean): T | null;
  rmsnormBackward(dy: T, x: T, w: T, eps: number, dw: T | null): T;
  ropeBackward(dy: T, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): T;
  attentionBackward(dout: T, q: T, k: T, v: T, out: T, lse: T, o: TrainAttentionOptions): { dq: T; dk: T; dv: T };
  siluMulBackward(dh: T, g: T, u: T): { dg: T; du: T };
  mulSigmoidRowsBackward(dy: T, x: T, s: T): { dx: T; ds: T };
  /** dTable[ids[r]] += dy[r]. */
  embeddingBackward(dy: T, ids: Int32Array, dTable: T): void;
  /** Per-row dot products a[r] . b[r] -> host [rows]. */
  rowDots(a: T, b: T): Promise<Float64Array>;
  /**
   * Chunked LM-head cross-entropy: per-row NLL (NaN where target < 0) and dx of
   * sum_r scale[r] nll[r]; adds the LM head's gradient into dw when given.
   */
  lmHeadLoss(x: T, w: T, targets: Int32Array, scale: Float64Array, dw: T | null, vocabChunk: number): Promise<{ nll: Float64Array; dx: T }>;

  // Optimiser.
  sumSquares(t: T): Promise<number>;
  adamw(param: T, grad: T, m: T, v: T, o: AdamWStep): void;
}
