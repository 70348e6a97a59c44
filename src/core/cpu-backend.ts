/**
 * The CPU ComputeBackend: typed arrays and the references in src/core/ref (f64 accumulation).
 * It is the definition of correct for the WebGPU backend and the engine for Node (tests, CLI).
 * Tensors are plain {data, shape}; `release` is a no-op (the garbage collector owns memory), and
 * `upload` wraps without copying, so layer streaming costs nothing extra on the CPU.
 */
import type { AttentionOptions, ComputeBackend, NllOptions, RopeTable, Routing } from './backend';
import { InvalidArgumentError } from './errors';
import { attention } from './ref/attention';
import { DEFAULT_VOCAB_CHUNK, lmHeadNll } from './ref/crossentropy';
import { sigmoid, silu } from './ref/elementwise';
import { matmulBT } from './ref/matmul';
import { gatherRows, routeTopK, scatterAddRows } from './ref/moe';
import { rmsnorm } from './ref/rmsnorm';
import { applyRope } from './ref/rope';

export class CpuTensor {
  constructor(
    readonly data: Float32Array,
    readonly shape: readonly number[],
  ) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new InvalidArgumentError(`tensor of shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`);
  }
  get rows(): number {
    return this.shape.length > 1 ? this.data.length / this.cols : 1;
  }
  get cols(): number {
    return this.shape[this.shape.length - 1];
  }
}

function sameShape(a: CpuTensor, b: CpuTensor, op: string): void {
  if (a.data.length !== b.data.length) {
    throw new InvalidArgumentError(`${op}: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ`);
  }
}

export class CpuBackend implements ComputeBackend<CpuTensor> {
  readonly name: string = 'cpu';

  upload(data: Float32Array, shape: readonly number[]): Promise<CpuTensor> {
    return Promise.resolve(new CpuTensor(data, [...shape]));
  }

  zeros(shape: readonly number[]): Promise<CpuTensor> {
    return Promise.resolve(new CpuTensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), [...shape]));
  }

  read(t: CpuTensor): Promise<Float32Array> {
    return Promise.resolve(t.data.slice());
  }

  release(): void {}

  linear(x: CpuTensor, w: CpuTensor, bias?: CpuTensor | null, residual?: CpuTensor | null, scale = 1): Promise<CpuTensor> {
    const [out, inp] = w.shape;
    if (x.cols !== inp) throw new InvalidArgumentError(`linear: input has ${x.cols} features, weight [${w.shape.join(', ')}] expects ${inp}`);
    if (residual && residual.data.length !== x.rows * out) throw new InvalidArgumentError(`linear: residual has ${residual.data.length} elements, expected ${x.rows * out}`);
    const y = matmulBT(x.data, w.data, x.rows, inp, out, scale === 1 ? bias?.data : undefined);
    if (scale !== 1) for (let i = 0; i < y.length; i++) y[i] = Math.fround(scale * y[i]) + (bias ? bias.data[i % out] : 0);
    if (residual) for (let i = 0; i < y.length; i++) y[i] += residual.data[i];
    return Promise.resolve(new CpuTensor(y, [x.rows, out]));
  }

  rmsnorm(x: CpuTensor, w: CpuTensor, eps: number): Promise<CpuTensor> {
    return Promise.resolve(new CpuTensor(rmsnorm(x.data, w.data, x.rows, x.cols, eps), x.shape));
  }

  rope(x: CpuTensor, nHeads: number, headDim: number, positions: Int32Array, table: RopeTable): Promise<CpuTensor> {
    if (positions.length !== x.rows) throw new InvalidArgumentError(`rope: ${positions.length} positions for ${x.rows} rows`);
    return Promise.resolve(new CpuTensor(applyRope(x.data, x.rows, nHeads, headDim, positions, table), x.shape));
  }

  attention(q: CpuTensor, k: CpuTensor, v: CpuTensor, opts: AttentionOptions): Promise<CpuTensor> {
    sameShape(k, v, 'attention k/v');
    return Promise.resolve(new CpuTensor(attention(q.data, k.data, v.data, q.rows, k.rows, opts), q.shape));
  }

  async swiglu(x: CpuTensor, gate: CpuTensor, up: CpuTensor): Promise<CpuTensor> {
    return this.siluMul(await this.linear(x, gate), await this.linear(x, up));
  }

  siluMul(gate: CpuTensor, up: CpuTensor): Promise<CpuTensor> {
    sameShape(gate, up, 'siluMul');
    const y = new Float32Array(gate.data.length);
    for (let i = 0; i < y.length; i++) y[i] = silu(gate.data[i]) * up.data[i];
    return Promise.resolve(new CpuTensor(y, gate.shape));
  }

  add(a: CpuTensor, b: CpuTensor): Promise<CpuTensor> {
    sameShape(a, b, 'add');
    const y = new Float32Array(a.data.length);
    for (let i = 0; i < y.length; i++) y[i] = a.data[i] + b.data[i];
    return Promise.resolve(new CpuTensor(y, a.shape));
  }

  mulSigmoidRows(x: CpuTensor, s: CpuTensor): Promise<CpuTensor> {
    if (s.data.length !== x.rows) throw new InvalidArgumentError(`mulSigmoidRows: ${s.data.length} gates for ${x.rows} rows`);
    const y = new Float32Array(x.data.length);
    const c = x.cols;
    for (let r = 0; r < x.rows; r++) {
      const g = sigmoid(s.data[r]);
      for (let j = 0; j < c; j++) y[r * c + j] = x.data[r * c + j] * g;
    }
    return Promise.resolve(new CpuTensor(y, x.shape));
  }

  embedding(table: CpuTensor, ids: Int32Array): Promise<CpuTensor> {
    const [v, h] = table.shape;
    for (const id of ids) {
      if (id < 0 || id >= v) throw new InvalidArgumentError(`token id ${id} is outside the vocabulary of ${v}`);
    }
    return Promise.resolve(new CpuTensor(gatherRows(table.data, h, ids), [ids.length, h]));
  }

  gatherRows(x: CpuTensor, rows: Int32Array): Promise<CpuTensor> {
    return Promise.resolve(new CpuTensor(gatherRows(x.data, x.cols, rows), [rows.length, x.cols]));
  }

  scatterAddRows(acc: CpuTensor, src: CpuTensor, dstRows: Int32Array, weights: Float32Array, srcRows?: Int32Array): Promise<void> {
    scatterAddRows(acc.data, src.data, acc.cols, dstRows, weights, srcRows);
    return Promise.resolve();
  }

  concatRows(a: CpuTensor, b: CpuTensor): Promise<CpuTensor> {
    if (a.cols !== b.cols) throw new InvalidArgumentError(`concatRows: ${a.cols} vs ${b.cols} columns`);
    const y = new Float32Array(a.data.length + b.data.length);
    y.set(a.data);
    y.set(b.data, a.data.length);
    return Promise.resolve(new CpuTensor(y, [a.rows + b.rows, a.cols]));
  }

  routeTopK(logits: CpuTensor, topK: number, renormalize: boolean): Promise<Routing> {
    return Promise.resolve(routeTopK(logits.data, logits.rows, logits.cols, topK, renormalize));
  }

  lmHeadNll(x: CpuTensor, w: CpuTensor, targets: Int32Array, opts: NllOptions = {}): Promise<Float64Array> {
    const [v, h] = w.shape;
    if (x.cols !== h) throw new InvalidArgumentError(`lmHeadNll: hidden ${x.cols} vs LM head [${w.shape.join(', ')}]`);
    if (targets.length !== x.rows) throw new InvalidArgumentError(`lmHeadNll: ${targets.length} targets for ${x.rows} rows`);
    return Promise.resolve(lmHeadNll(x.data, w.data, x.rows, h, v, targets, opts.vocabChunk ?? DEFAULT_VOCAB_CHUNK));
  }
}
