/**
 * CPU reference for causal grouped-query attention with an online (tiled) softmax, the scheme
 * of FlashAttention: keys are visited in tiles of TILE, a running max m, normaliser l and
 * weighted sum acc are rescaled by exp(m_old - m_new) when the max grows, so no [Tq, Tk] score
 * matrix (nor one row of it beyond a tile) is ever held. f64 accumulation.
 * Shapes: q [Tq, nHeads * hd], k and v [Tk, nKvHeads * hd], out [Tq, nHeads * hd].
 * Query head h reads kv head floor(h / (nHeads / nKvHeads)) (HF repeat_kv).
 * Query row i is at key position queryOffset + i and sees keys j with j <= queryOffset + i and,
 * with a sliding window W, queryOffset + i - j < W (HF masking_utils).
 */
import type { AttentionOptions } from '../backend';

export const ATTENTION_TILE = 32;

/** The keys [lo, hi] query row i sees (causal, sliding window); empty when hi < lo. */
export function keyRange(i: number, tk: number, o: AttentionOptions): [number, number] {
  const pos = o.queryOffset + i;
  const hi = Math.min(pos, tk - 1);
  const lo = o.slidingWindow ? Math.max(0, pos - o.slidingWindow + 1) : 0;
  return [lo, hi];
}

/** Query heads per kv head and the row widths of q / out and of k / v. */
export function headLayout(o: AttentionOptions): { group: number; qw: number; kw: number } {
  if (o.nHeads % o.nKvHeads !== 0) throw new RangeError(`attention: ${o.nHeads} heads are not a multiple of ${o.nKvHeads} kv heads`);
  return { group: o.nHeads / o.nKvHeads, qw: o.nHeads * o.headDim, kw: o.nKvHeads * o.headDim };
}

export function attention(
  q: Float32Array, k: Float32Array, v: Float32Array, tq: number, tk: number, o: AttentionOptions, tile = ATTENTION_TILE,
): Float32Array {
  const { nHeads, headDim: hd, scale } = o;
  const { group, qw, kw } = headLayout(o);
  const out = new Float32Array(tq * qw);
  const acc = new Float64Array(hd);
  const s = new Float64Array(tile);
  for (let h = 0; h < nHeads; h++) {
    const kvo = Math.floor(h / group) * hd;
    for (let i = 0; i < tq; i++) {
      const qo = i * qw + h * hd;
      const [lo, hi] = keyRange(i, tk, o);
      let m = -Infinity;
      let l = 0;
      acc.fill(0);
      for (let t0 = lo; t0 <= hi; t0 += tile) {
        const t1 = Math.min(hi + 1, t0 + tile);
        let tmax = -Infinity;
        for (let j = t0; j < t1; j++) {
          let d = 0;
          const ko = j * kw + kvo;
          for (let c = 0; c < hd; c++) d += q[qo + c] * k[ko + c];
          d *= scale;
          s[j - t0] = d;
          if (d > tmax) tmax = d;
        }
        const mNew = Math.max(m, tmax);
        const corr = Math.exp(m - mNew);
        l *= corr;
        for (let c = 0; c < hd; c++) acc[c] *= corr;
        for (let j = t0; j < t1; j++) {
          const p = Math.exp(s[j - t0] - mNew);
          l += p;
          const vo = j * kw + kvo;
          for (let c = 0; c < hd; c++) acc[c] += p * v[vo + c];
        }
        m = mNew;
      }
      for (let c = 0; c < hd; c++) out[qo + c] = l > 0 ? acc[c] / l : 0;
    }
  }
  return out;
}

/** The textbook form softmax(Q K^T * scale + mask) V with the full score row: the test oracle. */
export function attentionNaive(
  q: Float32Array, k: Float32Array, v: Float32Array, tq: number, tk: number, o: AttentionOptions,
): Float32Array {
  const { nHeads, nKvHeads, headDim: hd, scale } = o;
  const group = nHeads / nKvHeads;
  const qw = nHeads * hd;
  const kw = nKvHeads * hd;
  const out = new Float32Array(tq * qw);
  for (let h = 0; h < nHeads; h++) {
    const kvo = Math.floor(h / group) * hd;
    for (let i = 0; i < tq; i++) {
      const [lo, hi] = keyRange(i, tk, o);
      const scores = new Float64Array(tk).fill(-Infinity);
      for (let j = lo; j <= hi; j++) {
        let d = 0;
        for (let c = 0; c < hd; c++) d += q[i * qw + h * hd + c] * k[j * kw + kvo + c];
        scores[j] = d * scale;
      }
      const mx = Math.max(...scores);
      let z = 0;
      for (let j = 0; j < tk; j++) z += Math.exp(scores[j] - mx);
      for (let c = 0; c < hd; c++) {
        let a = 0;
        for (let j = lo; j <= hi; j++) a += (Math.exp(scores[j] - mx) / z) * v[j * kw + kvo + c];
        out[i * qw + h * hd + c] = a;
      }
    }
  }
  return out;
}
