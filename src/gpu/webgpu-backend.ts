/**
 * The WebGPU ComputeBackend. Ops record dispatches into one pending command encoder (a Batch),
 * submitted when a result is read back or before a weight upload (queue.writeBuffer runs ahead
 * of unsubmitted commands, so writing into a recycled pool buffer could clobber data an earlier
 * recorded dispatch still reads). Small per-op inputs (token ids, row indices, routing weights,
 * RoPE cos/sin) go into fresh buffers created mapped, destroyed after the submit, for the same
 * reason. Host reads are limited to what the interface returns: routing logits [T, E], the
 * cross-entropy state [3, T] and single rows of logits. The router's softmax / top-k runs on
 * the host over those [T, E] logits, since the decisions must come back for the charts and for
 * the expert gather indices anyway.
 */
import type { AttentionOptions, ComputeBackend, NllOptions, RopeTable, Routing } from '../core/backend';
import { InvalidArgumentError } from '../core/errors';
import { DEFAULT_VOCAB_CHUNK } from '../core/ref/crossentropy';
import { routeTopK } from '../core/ref/moe';
import type { GpuTensor } from './buffers';
import type { Batch, GpuContext } from './context';
import { DeviceLostError } from './errors';
import { attention } from './kernels/attention';
import { binary } from './kernels/elementwise';
import { matmul, SWIGLU_FUSED_MAX_ROWS, swigluMatvec } from './kernels/matmul';
import { rmsnorm } from './kernels/rmsnorm';
import { rope, ropeCosSin } from './kernels/rope';
import { gatherRows, mulSigmoidRows, scatterAddRows } from './kernels/rows';
import { xentChunk, xentFinish, xentInitialState } from './kernels/xent';

const cols = (t: GpuTensor): number => t.shape[t.shape.length - 1];
const rows = (t: GpuTensor): number => t.numel / cols(t);

export class WebGpuBackend implements ComputeBackend<GpuTensor> {
  readonly name = 'webgpu';
  private pending: Batch | null = null;

  constructor(readonly ctx: GpuContext) {}

  private batch(): Batch {
    this.ctx.checkAlive();
    this.pending ??= this.ctx.batch('engine');
    return this.pending;
  }

  /** Submit recorded work and drop the per-op buffers it used. */
  flush(): void {
    this.ctx.checkAlive();
    this.pending?.submit();
    this.pending = null;
  }

  /** A fresh read-only buffer holding small per-op data (ids, weights, tables), freed at flush. */
  private small(data: Float32Array | Int32Array | Uint32Array, label: string): GpuTensor {
    return this.batch().small(data, label);
  }

  upload(data: Float32Array, shape: readonly number[], label = 'upload'): Promise<GpuTensor> {
    this.flush();
    return Promise.resolve(this.ctx.upload(data, shape, label));
  }

  zeros(shape: readonly number[], label = 'zeros'): Promise<GpuTensor> {
    const t = this.ctx.tensor(shape, label);
    // Pool buffers are recycled: clear explicitly, in order with the recorded dispatches.
    this.batch().clear(t.buffer, 0, t.numel * 4);
    return Promise.resolve(t);
  }

  async read(t: GpuTensor): Promise<Float32Array> {
    this.flush();
    return this.guard(() => this.ctx.read(t));
  }

  release(...ts: (GpuTensor | null | undefined)[]): void {
    this.ctx.release(...ts);
  }

  /** Map a failure after the device died to DeviceLostError (the stage can be re-run). */
  private async guard<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof DeviceLostError) throw e;
      await Promise.race([this.ctx.device.lost, new Promise((r) => setTimeout(r, 50))]);
      this.ctx.checkAlive();
      throw e;
    }
  }

  async linear(x: GpuTensor, w: GpuTensor, bias?: GpuTensor | null, residual?: GpuTensor | null, scale = 1): Promise<GpuTensor> {
    if (cols(x) !== w.shape[1]) throw new InvalidArgumentError(`linear: input has ${cols(x)} features, weight [${w.shape.join(', ')}]`);
    if (residual && residual.numel !== rows(x) * w.shape[0]) throw new InvalidArgumentError(`linear: residual has ${residual.numel} elements, expected ${rows(x) * w.shape[0]}`);
    const x2: GpuTensor = { buffer: x.buffer, shape: [rows(x), cols(x)], numel: x.numel };
    // The kernels take a bias or a residual in one pass; with both, the residual is a second op.
    const fused = residual && !bias ? residual : undefined;
    const y = await matmul(this.ctx, this.batch(), x2, w, { transB: true, bias: bias ?? undefined, residual: fused, alpha: scale, label: 'linear' });
    if (!residual || fused) return y;
    const z = await this.add(y, residual);
    this.release(y);
    return z;
  }

  rmsnorm(x: GpuTensor, w: GpuTensor, eps: number): Promise<GpuTensor> {
    return rmsnorm(this.ctx, this.batch(), x, w, eps);
  }

  rope(x: GpuTensor, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): Promise<GpuTensor> {
    if (positions.length !== rows(x)) throw new InvalidArgumentError(`rope: ${positions.length} positions for ${rows(x)} rows`);
    const cs = this.small(ropeCosSin(positions, table), 'rope.cs');
    return rope(this.ctx, this.batch(), x, cs, nHeads, headDim);
  }

  attention(q: GpuTensor, k: GpuTensor, v: GpuTensor, opts: AttentionOptions): Promise<GpuTensor> {
    return attention(this.ctx, this.batch(), q, k, v, opts);
  }

  async swiglu(x: GpuTensor, gate: GpuTensor, up: GpuTensor): Promise<GpuTensor> {
    // A few rows (decoding): one fused pass; more rows: two matmuls (their tiled kernels reuse
    // each weight over many rows) and the element-wise silu_mul.
    if (rows(x) <= SWIGLU_FUSED_MAX_ROWS) return swigluMatvec(this.ctx, this.batch(), x, gate, up);
    const g = await this.linear(x, gate);
    const u = await this.linear(x, up);
    const h = await this.siluMul(g, u);
    this.release(g, u);
    return h;
  }

  siluMul(gate: GpuTensor, up: GpuTensor): Promise<GpuTensor> {
    return binary(this.ctx, this.batch(), 'silu_mul', gate, up);
  }

  add(a: GpuTensor, b: GpuTensor): Promise<GpuTensor> {
    if (a.numel !== b.numel) throw new InvalidArgumentError(`add: ${a.numel} vs ${b.numel} elements`);
    return binary(this.ctx, this.batch(), 'add', a, b);
  }

  mulSigmoidRows(x: GpuTensor, s: GpuTensor): Promise<GpuTensor> {
    return mulSigmoidRows(this.ctx, this.batch(), x, s);
  }

  embedding(table: GpuTensor, ids: Int32Array): Promise<GpuTensor> {
    const v = table.shape[0];
    for (const id of ids) if (id < 0 || id >= v) throw new InvalidArgumentError(`token id ${id} is outside the vocabulary of ${v}`);
    return this.gatherRows(table, ids);
  }

  gatherRows(x: GpuTensor, r: Int32Array): Promise<GpuTensor> {
    return gatherRows(this.ctx, this.batch(), x, this.small(r, 'gather.ids'), r.length);
  }

  async scatterAddRows(acc: GpuTensor, src: GpuTensor, dstRows: Int32Array, weights: Float32Array, srcRows?: Int32Array): Promise<void> {
    if (new Set(dstRows).size !== dstRows.length) throw new InvalidArgumentError('scatterAddRows: destination rows must be distinct within one call');
    if (dstRows.length === 0) return;
    await scatterAddRows(
      this.ctx, this.batch(), acc, src, this.small(dstRows, 'scatter.dst'), this.small(weights, 'scatter.w'),
      dstRows.length, srcRows ? this.small(srcRows, 'scatter.src') : undefined,
    );
  }

  concatRows(a: GpuTensor, b: GpuTensor): Promise<GpuTensor> {
    if (cols(a) !== cols(b)) throw new InvalidArgumentError(`concatRows: ${cols(a)} vs ${cols(b)} columns`);
    const y = this.ctx.tensor([rows(a) + rows(b), cols(a)], 'concat.out');
    const bt = this.batch();
    bt.copy(a.buffer, 0, y.buffer, 0, a.numel * 4);
    bt.copy(b.buffer, 0, y.buffer, a.numel * 4, b.numel * 4);
    return Promise.resolve(y);
  }

  async routeTopK(logits: GpuTensor, topK: number, renormalize: boolean): Promise<Routing> {
    const host = await this.read(logits);
    return routeTopK(host, rows(logits), cols(logits), topK, renormalize);
  }

  async lmHeadNll(x: GpuTensor, w: GpuTensor, targets: Int32Array, opts: NllOptions = {}): Promise<Float64Array> {
    const [v, h] = w.shape;
    const n = rows(x);
    if (cols(x) !== h) throw new InvalidArgumentError(`lmHeadNll: hidden ${cols(x)} vs LM head [${w.shape.join(', ')}]`);
    const chunk = Math.min(v, opts.vocabChunk ?? DEFAULT_VOCAB_CHUNK);
    const tgt = this.small(targets, 'xent.targets');
    const state = this.small(xentInitialState(n), 'xent.state');
    // The state must be writable: copy it into a pool buffer.
    const st = this.ctx.tensor([3 * n], 'xent.state');
    const wChunk = this.ctx.tensor([chunk, h], 'xent.wchunk');
    const x2: GpuTensor = { buffer: x.buffer, shape: [n, h], numel: x.numel };
    const bt = this.batch();
    bt.copy(state.buffer, 0, st.buffer, 0, 3 * n * 4);
    const lg = this.ctx.tensor([n, chunk], 'xent.logits');
    for (let v0 = 0; v0 < v; v0 += chunk) {
      const c = Math.min(chunk, v - v0);
      const b = this.batch();
      // Rows [v0, v0 + c) of the LM head, copied so that the matmul sees a dense [c, H] matrix.
      b.copy(w.buffer, v0 * h * 4, wChunk.buffer, 0, c * h * 4);
      const wc: GpuTensor = { buffer: wChunk.buffer, shape: [c, h], numel: c * h };
      const lc: GpuTensor = { buffer: lg.buffer, shape: [n, c], numel: n * c };
      await matmul(this.ctx, b, x2, wc, { transB: true, out: lc, label: 'xent.matmul' });
      await xentChunk(this.ctx, b, lc, tgt, st, n, c, v0);
    }
    const s = await this.read(st);
    this.ctx.release(st, wChunk, lg);
    return xentFinish(s, targets);
  }
}
