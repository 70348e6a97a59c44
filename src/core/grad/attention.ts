/**
 * f64 CPU reference for causal grouped-query attention over independent sequences (segments of
 * consecutive rows, each starting at position 0) and its backward, FlashAttention style: the
 * forward keeps only the output O and the per-(row, head) log-sum-exp L of the scores; the
 * backward recomputes P[i, j] = exp(s_ij - L_i) one query row at a time, so no [T, T] matrix
 * is stored:
 *   s_ij = scale q_i . k_j (j visible from i),  o_i = sum_j P_ij v_j
 *   D_i = dO_i . O_i;  dv_j += P_ij dO_i;  dS_ij = P_ij (dO_i . v_j - D_i)
 *   dq_i += scale sum_j dS_ij k_j;  dk_j += scale dS_ij q_i
 * GQA: query head h reads kv head floor(h / (nHeads / nKvHeads)); its dk/dv sum over the group.
 * Shapes: q [T, nHeads*hd], k/v [T, nKvHeads*hd], O [T, nHeads*hd], L [T, nHeads].
 * Masking as src/core/ref/attention.ts: key j is visible from query i (same segment) when
 * j <= i and, with a sliding window W, i - j < W.
 */

export interface Segment {
  start: number;
  length: number;
}

export interface TrainAttentionOptions {
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  scale: number;
  slidingWindow: number | null;
  segments: Segment[];
}

interface Geometry {
  group: number;
  qw: number;
  kw: number;
  hd: number;
}

function geometry(o: TrainAttentionOptions): Geometry {
  if (o.nHeads % o.nKvHeads !== 0) throw new RangeError(`attention: ${o.nHeads} heads are not a multiple of ${o.nKvHeads} kv heads`);
  return { group: o.nHeads / o.nKvHeads, qw: o.nHeads * o.headDim, kw: o.nKvHeads * o.headDim, hd: o.headDim };
}

function firstKey(seg: Segment, i: number, o: TrainAttentionOptions): number {
  return o.slidingWindow ? Math.max(seg.start, i - o.slidingWindow + 1) : seg.start;
}

export function attentionForward(
  q: Float64Array, k: Float64Array, v: Float64Array, o: TrainAttentionOptions,
): { out: Float64Array; lse: Float64Array } {
  const { group, qw, kw, hd } = geometry(o);
  const rows = q.length / qw;
  const out = new Float64Array(rows * qw);
  const lse = new Float64Array(rows * o.nHeads);
  const maxLen = Math.max(1, ...o.segments.map((s) => s.length));
  const s = new Float64Array(maxLen);
  for (const seg of o.segments) {
    for (let i = seg.start; i < seg.start + seg.length; i++) {
      const lo = firstKey(seg, i, o);
      for (let h = 0; h < o.nHeads; h++) {
        const qo = i * qw + h * hd;
        const kvo = Math.floor(h / group) * hd;
        let m = -Infinity;
        for (let j = lo; j <= i; j++) {
          let d = 0;
          const ko = j * kw + kvo;
          for (let c = 0; c < hd; c++) d += q[qo + c] * k[ko + c];
          d *= o.scale;
          s[j - lo] = d;
          if (d > m) m = d;
        }
        let z = 0;
        for (let j = lo; j <= i; j++) {
          const p = Math.exp(s[j - lo] - m);
          s[j - lo] = p;
          z += p;
        }
        for (let j = lo; j <= i; j++) {
          const p = s[j - lo] / z;
          const vo = j * kw + kvo;
          for (let c = 0; c < hd; c++) out[qo + c] += p * v[vo + c];
        }
        lse[i * o.nHeads + h] = m + Math.log(z);
      }
    }
  }
  return { out, lse };
}

export function attentionBackward(
  dout: Float64Array, q: Float64Array, k: Float64Array, v: Float64Array, out: Float64Array, lse: Float64Array,
  o: TrainAttentionOptions,
): { dq: Float64Array; dk: Float64Array; dv: Float64Array } {
  const { group, qw, kw, hd } = geometry(o);
  const dq = new Float64Array(q.length);
  const dk = new Float64Array(k.length);
  const dv = new Float64Array(v.length);
  for (const seg of o.segments) {
    for (let i = seg.start; i < seg.start + seg.length; i++) {
      const lo = firstKey(seg, i, o);
      for (let h = 0; h < o.nHeads; h++) {
        const qo = i * qw + h * hd;
        const kvo = Math.floor(h / group) * hd;
        const L = lse[i * o.nHeads + h];
        let D = 0;
        for (let c = 0; c < hd; c++) D += dout[qo + c] * out[qo + c];
        for (let j = lo; j <= i; j++) {
          const ko = j * kw + kvo;
          let sc = 0;
          let dp = 0;
          for (let c = 0; c < hd; c++) {
            sc += q[qo + c] * k[ko + c];
            dp += dout[qo + c] * v[ko + c];
          }
          const p = Math.exp(sc * o.scale - L);
          const ds = p * (dp - D) * o.scale;
          for (let c = 0; c < hd; c++) {
            dv[ko + c] += p * dout[qo + c];
            dq[qo + c] += ds * k[ko + c];
            dk[ko + c] += ds * q[qo + c];
          }
        }
      }
    }
  }
  return { dq, dk, dv };
}
