/**
 * The WebGPU TrainBackend (src/core/train/train-backend.ts): the training step of
 * src/model/train on the GPU in f32. Every forward and backward op records its dispatches
 * synchronously into one pending command encoder (all pipelines are compiled in `create`), and
 * only reads submit: per step the host sees the router logits [T, E], per-expert row dots, the
 * cross-entropy state [3, T] and one sum of squares per trainable tensor. Small per-op inputs
 * (ids, rows, RoPE tables, segment tables) live in mapped buffers owned by the batch; uploads
 * and writes submit the pending work first, because queue.writeBuffer runs ahead of
 * unsubmitted commands. Weight gradients: dW = dY^T X is a transpose plus a matmul of the
 * existing variants, added into the gradient buffer (accumulate.wgsl).
 */
import type { RopeTable } from '../core/backend';
import { InvalidArgumentError } from '../core/errors';
import type { TrainAttentionOptions } from '../core/grad/attention';
import type { AdamWStep } from '../core/train/optim';
import type { TrainBackend } from '../core/train/train-backend';
import type { GpuTensor } from './buffers';
import type { Batch, GpuContext, Plan } from './context';
import { ALL_PIPELINES } from './kernels';
import { accumulate } from './kernels/accumulate';
import { adamw } from './kernels/adamw';
import { attentionTrainBackward, attentionTrainForward } from './kernels/attentionTrain';
import { colsumInto } from './kernels/colsum';
import { binaryPlan } from './kernels/elementwise';
import { embeddingBackward } from './kernels/embeddingGrad';
import { mulSigmoidRowsBackward } from './kernels/gateGrad';
import { matmulPipelinesFor, matmulPlan } from './kernels/matmul';
import { reducePlan } from './kernels/reduce';
import { rmsnormPlan } from './kernels/rmsnorm';
import { rmsnormBackward } from './kernels/rmsnormGrad';
import { ropeCosSin, ropePlan } from './kernels/rope';
import { gatherPlan, mulSigmoidRowsPlan, scatterAddDispatch } from './kernels/rows';
import { siluMulBackward } from './kernels/swigluGrad';
import { transpose } from './kernels/transpose';
import { xentChunkDispatch, xentFinish, xentInitialState } from './kernels/xent';
import { xentGrad } from './kernels/xentGrad';

type G = GpuTensor;
const cols = (t: G): number => t.shape[t.shape.length - 1];
const rows = (t: G): number => t.numel / cols(t);
/** The same buffer seen as a [rows, cols] matrix. */
const as2d = (t: G, c = cols(t)): G => ({ buffer: t.buffer, shape: [t.numel / c, c], numel: t.numel });

export class WebGpuTrainBackend implements TrainBackend<GpuTensor> {
  readonly name = 'webgpu-f32';
  private pending: Batch | null = null;

  private constructor(readonly ctx: GpuContext) {}

  /** A backend on ctx, with every pipeline it may dispatch compiled. */
  static async create(ctx: GpuContext): Promise<WebGpuTrainBackend> {
    await ctx.pipelines.prepare([...ALL_PIPELINES, ...matmulPipelinesFor(ctx.caps)]);
    return new WebGpuTrainBackend(ctx);
  }

  private batch(): Batch {
    this.ctx.checkAlive();
    this.pending ??= this.ctx.batch('train');
    return this.pending;
  }

  private run(p: Plan): G {
    this.batch().record(p.dispatch);
    return p.out;
  }

  /** Submit the recorded work. */
  flush(): void {
    this.ctx.checkAlive();
    this.pending?.submit();
    this.pending = null;
  }

  upload(data: Float32Array | Float64Array, shape: readonly number[]): G {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new InvalidArgumentError(`tensor of shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`);
    this.flush();
    return this.ctx.upload(data instanceof Float32Array ? data : Float32Array.from(data), shape, 'train.upload');
  }

  zeros(shape: readonly number[]): G {
    const t = this.ctx.tensor(shape, 'train.zeros');
    this.fillZero(t);
    return t;
  }

  async read(t: G): Promise<Float64Array> {
    this.flush();
    return Float64Array.from(await this.ctx.read(t));
  }

  write(t: G, data: ArrayLike<number>): void {
    if (data.length !== t.numel) throw new InvalidArgumentError(`write: ${data.length} values for a tensor of ${t.numel}`);
    this.flush();
    const f = Float32Array.from(data);
    this.ctx.device.queue.writeBuffer(t.buffer, 0, f.buffer, f.byteOffset, f.byteLength);
  }

  fillZero(t: G): void {
    if (t.numel > 0) this.batch().clear(t.buffer, 0, t.numel * 4);
  }

  release(...ts: (G | null | undefined)[]): void {
    this.ctx.release(...ts);
  }

  linear(x: G, w: G, bias?: G | null): G {
    if (cols(x) !== w.shape[1]) throw new InvalidArgumentError(`linear: input has ${cols(x)} features, weight [${w.shape.join(', ')}] expects ${w.shape[1]}`);
    return this.run(matmulPlan(this.ctx, as2d(x), w, { transB: true, bias: bias ?? undefined, label: 'linear' }));
  }

  rmsnorm(x: G, w: G, eps: number): G {
    return this.run(rmsnormPlan(this.ctx, x, w, eps));
  }

  private rotate(x: G, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable, sign: 1 | -1): G {
    if (positions.length !== rows(x)) throw new InvalidArgumentError(`rope: ${positions.length} positions for ${rows(x)} rows`);
    const cs = this.batch().small(ropeCosSin(positions, table, sign), 'rope.cs');
    return this.run(ropePlan(this.ctx, x, cs, nHeads, headDim));
  }

  rope(x: G, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): G {
    return this.rotate(x, nHeads, headDim, positions, table, 1);
  }

  attention(q: G, k: G, v: G, o: TrainAttentionOptions): { out: G; lse: G } {
    return attentionTrainForward(this.ctx, this.batch(), q, k, v, o);
  }

  siluMul(g: G, u: G): G {
    return this.run(binaryPlan(this.ctx, 'silu_mul', g, u));
  }

  add(a: G, b: G): G {
    if (a.numel !== b.numel) throw new InvalidArgumentError(`add: ${a.numel} vs ${b.numel} elements`);
    return this.run(binaryPlan(this.ctx, 'add', a, b));
  }

  addInPlace(acc: G, x: G): void {
    if (acc.numel !== x.numel) throw new InvalidArgumentError(`addInPlace: ${acc.numel} vs ${x.numel} elements`);
    accumulate(this.ctx, this.batch(), acc, x);
  }

  mulSigmoidRows(x: G, s: G): G {
    return this.run(mulSigmoidRowsPlan(this.ctx, x, s));
  }

  embedding(table: G, ids: Int32Array): G {
    const v = table.shape[0];
    for (const id of ids) if (id < 0 || id >= v) throw new InvalidArgumentError(`token id ${id} is outside the vocabulary of ${v}`);
    return this.gatherRows(table, ids);
  }

  gatherRows(x: G, r: Int32Array): G {
    const p = gatherPlan(this.ctx, x, this.batch().small(r, 'gather.ids'), r.length);
    if (p.dispatch) this.batch().record(p.dispatch);
    return p.out;
  }

  scatterAddRows(acc: G, src: G, dst: Int32Array, w: ArrayLike<number>): void {
    if (dst.length === 0) return;
    if (new Set(dst).size !== dst.length) throw new InvalidArgumentError('scatterAddRows: destination rows must be distinct within one call');
    const b = this.batch();
    b.record(scatterAddDispatch(this.ctx, acc, src, b.small(dst, 'scatter.dst'), b.small(Float32Array.from(w), 'scatter.w'), dst.length));
  }

  scaleRows(x: G, s: ArrayLike<number>): G {
    const y = this.zeros(x.shape);
    this.scatterAddRows(y, x, Int32Array.from({ length: rows(x) }, (_, i) => i), s);
    return y;
  }

  linearBackward(dy: G, x: G, w: G, dw: G | null, db: G | null, needDx: boolean): G | null {
    const [out, inp] = w.shape;
    const dy2 = as2d(dy, out);
    const x2 = as2d(x, inp);
    if (dy2.shape[0] !== x2.shape[0]) throw new InvalidArgumentError(`linear backward: ${dy2.shape[0]} output rows for ${x2.shape[0]} input rows`);
    const b = this.batch();
    if (dw) {
      const dyT = transpose(this.ctx, b, dy2);
      const g = this.run(matmulPlan(this.ctx, dyT, x2, { label: 'linear.dw' }));
      accumulate(this.ctx, b, dw, g);
      this.release(dyT, g);
    }
    if (db) colsumInto(this.ctx, b, db, dy2, null, null);
    if (!needDx) return null;
    const dx = this.run(matmulPlan(this.ctx, dy2, w, { label: 'linear.dx' }));
    return { ...dx, shape: [...x.shape] };
  }

  rmsnormBackward(dy: G, x: G, w: G, eps: number, dw: G | null): G {
    return rmsnormBackward(this.ctx, this.batch(), dy, x, w, eps, dw);
  }

  ropeBackward(dy: G, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): G {
    return this.rotate(dy, nHeads, headDim, positions, table, -1);
  }

  attentionBackward(dout: G, q: G, k: G, v: G, out: G, lse: G, o: TrainAttentionOptions): { dq: G; dk: G; dv: G } {
    return attentionTrainBackward(this.ctx, this.batch(), dout, q, k, v, out, lse, o);
  }

  siluMulBackward(dh: G, g: G, u: G): { dg: G; du: G } {
    return siluMulBackward(this.ctx, this.batch(), dh, g, u);
  }

  mulSigmoidRowsBackward(dy: G, x: G, s: G): { dx: G; ds: G } {
    return mulSigmoidRowsBackward(this.ctx, this.batch(), dy, x, s);
  }

  embeddingBackward(dy: G, ids: Int32Array, dTable: G): void {
    embeddingBackward(this.ctx, this.batch(), dy, ids, dTable);
  }

  async rowDots(a: G, b: G): Promise<Float64Array> {
    if (a.numel !== b.numel) throw new InvalidArgumentError(`rowDots: ${a.numel} vs ${b.numel} elements`);
    const prod = this.run(binaryPlan(this.ctx, 'mul', a, b));
    const dots = this.run(reducePlan(this.ctx, 'sum', as2d(prod, cols(a))));
    const r = await this.read(dots);
    this.release(prod, dots);
    return r;
  }

  async lmHeadLoss(x: G, w: G, targets: Int32Array, scale: Float64Array, dw: G | null, vocabChunk: number): Promise<{ nll: Float64Array; dx: G }> {
    const [v, h] = w.shape;
    const n = rows(x);
    if (cols(x) !== h) throw new InvalidArgumentError(`lmHeadLoss: hidden ${cols(x)} vs LM head [${w.shape.join(', ')}]`);
    if (targets.length !== n || scale.length !== n) throw new InvalidArgumentError(`lmHeadLoss: ${targets.length} targets and ${scale.length} scales for ${n} rows`);
    const { ctx } = this;
    const chunk = Math.max(1, Math.min(v, vocabChunk));
    const b = this.batch();
    const tgt = b.small(targets, 'xent.targets');
    const sc = b.small(Float32Array.from(scale), 'xent.scale');
    const st = ctx.tensor([3 * n], 'xent.state');
    b.copy(b.small(xentInitialState(n), 'xent.init').buffer, 0, st.buffer, 0, 3 * n * 4);
    const wChunk = ctx.tensor([chunk, h], 'xent.wchunk');
    const lg = ctx.tensor([n, chunk], 'xent.logits');
    const x2 = as2d(x);
    const dx = this.zeros(x.shape);
    // Pass 1: the running max / sum / target logit of every row. Pass 2: dz per chunk, then
    // dx += dz Wc and dW[chunk] += dz^T x.
    for (const pass of [1, 2]) {
      for (let v0 = 0; v0 < v; v0 += chunk) {
        const c = Math.min(chunk, v - v0);
        b.copy(w.buffer, v0 * h * 4, wChunk.buffer, 0, c * h * 4);
        const wc: G = { buffer: wChunk.buffer, shape: [c, h], numel: c * h };
        const lc: G = { buffer: lg.buffer, shape: [n, c], numel: n * c };
        b.record(matmulPlan(ctx, x2, wc, { transB: true, out: lc, label: 'xent.matmul' }).dispatch);
        if (pass === 1) {
          b.record(xentChunkDispatch(ctx, lc, tgt, st, n, c, v0));
          continue;
        }
        xentGrad(ctx, b, lc, tgt, st, sc, n, c, v0);
        const part = this.run(matmulPlan(ctx, lc, wc, { label: 'xent.dx' }));
        accumulate(ctx, b, dx, part);
        this.release(part);
        if (dw) {
          const lt = transpose(ctx, b, lc);
          const g = this.run(matmulPlan(ctx, lt, x2, { label: 'xent.dw' }));
          accumulate(ctx, b, dw, g, 1, v0 * h);
          this.release(lt, g);
        }
      }
    }
    this.flush();
    const state = await ctx.read(st);
    this.release(st, wChunk, lg);
    return { nll: xentFinish(state, targets), dx };
  }

  async sumSquares(t: G): Promise<number> {
    const r = this.run(reducePlan(this.ctx, 'sumsq', as2d(t)));
    const rowsSq = await this.read(r);
    this.release(r);
    return rowsSq.reduce((a, b) => a + b, 0);
  }

  adamw(param: G, grad: G, m: G, v: G, o: AdamWStep): void {
    adamw(this.ctx, this.batch(), param, grad, m, v, o);
  }
}
