/**
 * Streaming first and second moments of activations, the input of correlation matching and CKA
 * (METHOD.md sections 2 and 5). Streams are per model (e.g. the FFN hidden activations h of the
 * anchor and of model i at one layer), each chunk is [tokens, dim] row-major f32.
 *
 * Accumulated per stream s: count T, S_s = sum_t (x_t - c_s), Q_s = sum_t (x_t - c_s)(x_t - c_s)^T
 * (full, or its diagonal only), and per requested pair (a, b): X_ab = sum_t (x_t - c_a)(y_t - c_b)^T.
 *
 * Precision over millions of tokens: every sum is f64 (53-bit), and the data are shifted by c_s,
 * the mean of the FIRST chunk, before they are multiplied. The covariance is then
 *   cov = (Q - S S^T / T) / T
 * where S / T = mean - c is small, so the subtraction cancels almost nothing (the textbook
 * one-pass formula E[xx] - E[x]E[x] loses every digit when |mean| >> std, e.g. for neurons with a
 * large constant offset). A chunked pass and one pass over the same data differ only by f64
 * rounding of the summation order (the tests check 1e-12 relative). The GPU version of this
 * accumulator keeps the same shift and sums each chunk in f32 before adding it to an f64 (CPU)
 * or Kahan-compensated (GPU) running total.
 */
import { InvalidArgumentError } from '../errors';
import { addOuterProducts } from './outer';

export interface MomentOptions {
  /** Pairs (a, b) of streams whose cross moments are accumulated. */
  pairs?: readonly (readonly [number, number])[];
  /** Keep the full dim x dim second moment of each stream (needed for CKA) or only its diagonal. */
  selfFull?: boolean;
}

export class MomentAccumulator {
  count = 0;
  readonly shift: Float64Array[];
  readonly sum: Float64Array[];
  /** dim x dim (selfFull) or dim (diagonal) per stream. */
  readonly sumSq: Float64Array[];
  readonly cross = new Map<string, Float64Array>();
  readonly selfFull: boolean;
  private started = false;

  constructor(
    readonly dims: readonly number[],
    opts: MomentOptions = {},
  ) {
    this.selfFull = opts.selfFull ?? true;
    this.shift = dims.map((d) => new Float64Array(d));
    this.sum = dims.map((d) => new Float64Array(d));
    this.sumSq = dims.map((d) => new Float64Array(this.selfFull ? d * d : d));
    for (const [a, b] of opts.pairs ?? []) {
      if (a === b || a < 0 || b < 0 || a >= dims.length || b >= dims.length) {
        throw new InvalidArgumentError(`MomentAccumulator: bad stream pair (${a}, ${b}) for ${dims.length} streams`);
      }
      this.cross.set(pairKey(a, b), new Float64Array(dims[a] * dims[b]));
    }
  }

  /**
   * An accumulator holding totals accumulated elsewhere (the GPU accumulator's readback,
   * src/gpu/moments.ts): same shift convention, so every accessor and later `add` calls work.
   */
  static fromTotals(
    dims: readonly number[],
    opts: MomentOptions,
    totals: { count: number; shift: Float64Array[]; sum: Float64Array[]; sumSq: Float64Array[]; cross: Map<string, Float64Array> },
  ): MomentAccumulator {
    const m = new MomentAccumulator(dims, opts);
    const fill = (dst: Float64Array[], src: Float64Array[], what: string): void => {
      dst.forEach((d, s) => {
        if (src[s]?.length !== d.length) throw new InvalidArgumentError(`MomentAccumulator.fromTotals: ${what} of stream ${s} has ${src[s]?.length} values, expected ${d.length}`);
        d.set(src[s]);
      });
    };
    fill(m.shift, totals.shift, 'shift');
    fill(m.sum, totals.sum, 'sum');
    fill(m.sumSq, totals.sumSq, 'second moment');
    for (const [key, X] of m.cross) {
      const src = totals.cross.get(key);
      if (src?.length !== X.length) throw new InvalidArgumentError(`MomentAccumulator.fromTotals: cross moment ${key} missing or of the wrong size`);
      X.set(src);
    }
    m.count = totals.count;
    m.started = totals.count > 0;
    return m;
  }

  /** Add `tokens` rows of every stream (chunks[s] is [tokens, dims[s]]). */
  add(chunks: readonly Float32Array[], tokens: number): void {
    if (chunks.length !== this.dims.length) throw new InvalidArgumentError(`MomentAccumulator.add: ${chunks.length} chunks for ${this.dims.length} streams`);
    if (tokens === 0) return;
    chunks.forEach((x, s) => {
      if (x.length !== tokens * this.dims[s]) {
        throw new InvalidArgumentError(`MomentAccumulator.add: stream ${s} has ${x.length} values, expected ${tokens} x ${this.dims[s]}`);
      }
    });
    if (!this.started) {
      chunks.forEach((x, s) => {
        const d = this.dims[s];
        const c = this.shift[s];
        for (let t = 0; t < tokens; t++) for (let i = 0; i < d; i++) c[i] += x[t * d + i];
        for (let i = 0; i < d; i++) c[i] /= tokens;
      });
      this.started = true;
    }
    // Shifted copies in f64, reused by the self and the cross products.
    const z = chunks.map((x, s) => {
      const d = this.dims[s];
      const c = this.shift[s];
      const out = new Float64Array(tokens * d);
      for (let t = 0; t < tokens; t++) for (let i = 0; i < d; i++) out[t * d + i] = x[t * d + i] - c[i];
      return out;
    });
    z.forEach((zs, s) => {
      const d = this.dims[s];
      const S = this.sum[s];
      const Q = this.sumSq[s];
      for (let t = 0; t < tokens; t++) {
        const o = t * d;
        for (let i = 0; i < d; i++) {
          const zi = zs[o + i];
          S[i] += zi;
          if (!this.selfFull) Q[i] += zi * zi;
        }
      }
      if (this.selfFull) addOuterProducts(Q, zs, d, zs, d, tokens);
    });
    for (const [key, X] of this.cross) {
      const [a, b] = parseKey(key);
      const da = this.dims[a];
      const db = this.dims[b];
      addOuterProducts(X, z[a], da, z[b], db, tokens);
    }
    this.count += tokens;
  }

  /** Mean of stream s. */
  mean(s: number): Float64Array {
    this.requireData();
    const m = new Float64Array(this.dims[s]);
    for (let i = 0; i < m.length; i++) m[i] = this.shift[s][i] + this.sum[s][i] / this.count;
    return m;
  }

  /** Population variances of stream s. */
  variance(s: number): Float64Array {
    this.requireData();
    const d = this.dims[s];
    const T = this.count;
    const S = this.sum[s];
    const Q = this.sumSq[s];
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = Math.max(0, ((this.selfFull ? Q[i * d + i] : Q[i]) - (S[i] * S[i]) / T) / T);
    return v;
  }

  /** Population covariance [d, d] of stream s (needs selfFull). */
  covariance(s: number): Float64Array {
    this.requireData();
    if (!this.selfFull) throw new InvalidArgumentError('MomentAccumulator.covariance needs selfFull: true');
    const d = this.dims[s];
    const T = this.count;
    const S = this.sum[s];
    const Q = this.sumSq[s];
    const c = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i * d + j] = (Q[i * d + j] - (S[i] * S[j]) / T) / T;
    return c;
  }

  /** Population cross-covariance [dims[a], dims[b]] of a requested pair (or a === b). */
  crossCovariance(a: number, b: number): Float64Array {
    if (a === b) return this.covariance(a);
    this.requireData();
    const X = this.cross.get(pairKey(a, b));
    if (X) return centreCross(X, this.sum[a], this.sum[b], this.count);
    const Y = this.cross.get(pairKey(b, a));
    if (!Y) throw new InvalidArgumentError(`MomentAccumulator: the pair (${a}, ${b}) was not accumulated; list it in opts.pairs`);
    const t = transposeF64(Y, this.dims[b], this.dims[a]);
    return centreCross(t, this.sum[a], this.sum[b], this.count);
  }

  private requireData(): void {
    if (this.count === 0) throw new InvalidArgumentError('MomentAccumulator: no tokens were added yet');
  }
}

function centreCross(X: Float64Array, Sa: Float64Array, Sb: Float64Array, T: number): Float64Array {
  const da = Sa.length;
  const db = Sb.length;
  const c = new Float64Array(da * db);
  for (let i = 0; i < da; i++) for (let j = 0; j < db; j++) c[i * db + j] = (X[i * db + j] - (Sa[i] * Sb[j]) / T) / T;
  return c;
}

function transposeF64(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

export function pairKey(a: number, b: number): string {
  return `${a},${b}`;
}

function parseKey(k: string): [number, number] {
  const [a, b] = k.split(',').map(Number);
  return [a, b];
}
