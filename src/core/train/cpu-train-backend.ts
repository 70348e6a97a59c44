/**
 * The CPU TrainBackend: f64 host arrays and the backward references of src/core/grad. f64 keeps
 * the finite-difference checks of the whole model meaningful and costs little in JS (numbers
 * are f64 anyway); weights decoded from f32 checkpoints are exact in f64.
 */
import type { RopeTable } from '../backend';
import { InvalidArgumentError } from '../errors';
import { attentionBackward, attentionForward, type TrainAttentionOptions } from '../grad/attention';
import { lmHeadLossBackward } from '../grad/crossentropy';
import { embeddingBackward, embeddingForward, linearBackwardInput, linearBackwardWeight, linearForward } from '../grad/linear';
import { rmsnormBackward, rmsnormForward } from '../grad/rmsnorm';
import { ropeBackward, ropeForward } from '../grad/rope';
import { mulSigmoidRowsBackward, mulSigmoidRowsForward, siluMulBackward, siluMulForward } from '../grad/swiglu';
import { adamwUpdate, sumSquares, type AdamWStep } from './optim';
import type { TrainBackend } from './train-backend';

export class Cpu64Tensor {
  constructor(
    readonly data: Float64Array,
    readonly shape: readonly number[],
  ) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new InvalidArgumentError(`tensor of shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`);
  }
  get cols(): number {
    return this.shape[this.shape.length - 1];
  }
  get rows(): number {
    return this.shape.length > 1 ? this.data.length / this.cols : 1;
  }
}

type X = Cpu64Tensor;
const t = (data: Float64Array, shape: readonly number[]): X => new Cpu64Tensor(data, [...shape]);

export class CpuTrainBackend implements TrainBackend<Cpu64Tensor> {
  readonly name = 'cpu-f64';

  upload(data: Float32Array | Float64Array, shape: readonly number[]): X {
    return t(Float64Array.from(data), shape);
  }
  zeros(shape: readonly number[]): X {
    return t(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
  }
  read(x: X): Promise<Float64Array> {
    return Promise.resolve(x.data.slice());
  }
  write(x: X, data: ArrayLike<number>): void {
    if (data.length !== x.data.length) throw new InvalidArgumentError(`write: ${data.length} values for a tensor of ${x.data.length}`);
    x.data.set(data);
  }
  fillZero(x: X): void {
    x.data.fill(0);
  }
  release(): void {}

  linear(x: X, w: X, bias?: X | null): X {
    const [out, inp] = w.shape;
    if (x.cols !== inp) throw new InvalidArgumentError(`linear: input has ${x.cols} features, weight [${w.shape.join(', ')}] expects ${inp}`);
    return t(linearForward(x.data, w.data, bias?.data ?? null, x.rows, inp, out), [x.rows, out]);
  }
  rmsnorm(x: X, w: X, eps: number): X {
    return t(rmsnormForward(x.data, w.data, x.rows, x.cols, eps), x.shape);
  }
  rope(x: X, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): X {
    return t(ropeForward(x.data, x.rows, nHeads, headDim, positions, table), x.shape);
  }
  attention(q: X, k: X, v: X, o: TrainAttentionOptions): { out: X; lse: X } {
    const r = attentionForward(q.data, k.data, v.data, o);
    return { out: t(r.out, q.shape), lse: t(r.lse, [q.rows, o.nHeads]) };
  }
  siluMul(g: X, u: X): X {
    return t(siluMulForward(g.data, u.data), g.shape);
  }
  add(a: X, b: X): X {
    const y = new Float64Array(a.data.length);
    for (let i = 0; i < y.length; i++) y[i] = a.data[i] + b.data[i];
    return t(y, a.shape);
  }
  addInPlace(acc: X, x: X): void {
    for (let i = 0; i < acc.data.length; i++) acc.data[i] += x.data[i];
  }
  mulSigmoidRows(x: X, s: X): X {
    return t(mulSigmoidRowsForward(x.data, s.data, x.cols), x.shape);
  }
  embedding(table: X, ids: Int32Array): X {
    const [v, h] = table.shape;
    for (const id of ids) if (id < 0 || id >= v) throw new InvalidArgumentError(`token id ${id} is outside the vocabulary of ${v}`);
    return t(embeddingForward(table.data, h, ids), [ids.length, h]);
  }
  gatherRows(x: X, rows: Int32Array): X {
    return t(embeddingForward(x.data, x.cols, rows), [rows.length, x.cols]);
  }
  scatterAddRows(acc: X, src: X, dst: Int32Array, w: ArrayLike<number>): void {
    const c = acc.cols;
    for (let i = 0; i < dst.length; i++) {
      const d = dst[i] * c;
      const s = i * c;
      for (let j = 0; j < c; j++) acc.data[d + j] += w[i] * src.data[s + j];
    }
  }
  scaleRows(x: X, s: ArrayLike<number>): X {
    const c = x.cols;
    const y = new Float64Array(x.data.length);
    for (let r = 0; r < x.rows; r++) for (let j = 0; j < c; j++) y[r * c + j] = x.data[r * c + j] * s[r];
    return t(y, x.shape);
  }

  linearBackward(dy: X, x: X, w: X, dw: X | null, db: X | null, needDx: boolean): X | null {
    const [out, inp] = w.shape;
    if (dw) linearBackwardWeight(dy.data, x.data, x.rows, inp, out, dw.data, db?.data ?? null);
    return needDx ? t(linearBackwardInput(dy.data, w.data, x.rows, inp, out), x.shape) : null;
  }
  rmsnormBackward(dy: X, x: X, w: X, eps: number, dw: X | null): X {
    return t(rmsnormBackward(dy.data, x.data, w.data, x.rows, x.cols, eps, dw?.data ?? null), x.shape);
  }
  ropeBackward(dy: X, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): X {
    return t(ropeBackward(dy.data, dy.rows, nHeads, headDim, positions, table), dy.shape);
  }
  attentionBackward(dout: X, q: X, k: X, v: X, out: X, lse: X, o: TrainAttentionOptions): { dq: X; dk: X; dv: X } {
    const r = attentionBackward(dout.data, q.data, k.data, v.data, out.data, lse.data, o);
    return { dq: t(r.dq, q.shape), dk: t(r.dk, k.shape), dv: t(r.dv, v.shape) };
  }
  siluMulBackward(dh: X, g: X, u: X): { dg: X; du: X } {
    const r = siluMulBackward(dh.data, g.data, u.data);
    return { dg: t(r.dg, g.shape), du: t(r.du, u.shape) };
  }
  mulSigmoidRowsBackward(dy: X, x: X, s: X): { dx: X; ds: X } {
    const r = mulSigmoidRowsBackward(dy.data, x.data, s.data, x.cols);
    return { dx: t(r.dx, x.shape), ds: t(r.ds, s.shape) };
  }
  embeddingBackward(dy: X, ids: Int32Array, dTable: X): void {
    embeddingBackward(dy.data, dTable.cols, ids, dTable.data);
  }
  rowDots(a: X, b: X): Promise<Float64Array> {
    const c = a.cols;
    const out = new Float64Array(a.rows);
    for (let r = 0; r < a.rows; r++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += a.data[r * c + j] * b.data[r * c + j];
      out[r] = s;
    }
    return Promise.resolve(out);
  }
  lmHeadLoss(x: X, w: X, targets: Int32Array, scale: Float64Array, dw: X | null, vocabChunk: number): Promise<{ nll: Float64Array; dx: X }> {
    const [v, h] = w.shape;
    if (x.cols !== h) throw new InvalidArgumentError(`lmHeadLoss: hidden ${x.cols} vs LM head [${w.shape.join(', ')}]`);
    const r = lmHeadLossBackward(x.data, w.data, x.rows, h, v, targets, scale, dw?.data ?? null, vocabChunk);
    return Promise.resolve({ nll: r.nll, dx: t(r.dx, x.shape) });
  }

  sumSquares(x: X): Promise<number> {
    return Promise.resolve(sumSquares(x.data));
  }
  adamw(param: X, grad: X, m: X, v: X, o: AdamWStep): void {
    adamwUpdate(param.data, grad.data, m.data, v.data, o);
  }
}
