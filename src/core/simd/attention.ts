/**
 * Causal grouped-query attention on the SIMD matrix kernel, per kv head and block of query rows:
 *   S = Q_g K_g^T (the group's query heads stacked as rows), masked softmax of S * scale in JS
 *   (f32 scores, f64 sums), O = P V_g (V_g transposed once per kv head so the kernel's
 *   [out, in] layout applies). Semantics are those of src/core/ref/attention.ts (positions,
 *   sliding window, a row with no visible key gives 0); the [rows, keys] score block is bounded
 *   (about 2M floats), not the online softmax of the reference, since the CPU has the memory.
 */
import type { AttentionOptions } from '../backend';
import { headLayout, keyRange } from '../ref/attention';
import type { WasmHeap } from './heap';
import { columnBlock, pad4 } from './gemm-kernel';

export type Gemm = (x: number, w: number, y: number, m: number, k: number, n: number, jb: number) => void;

const SCORE_BLOCK = 1 << 21;

export function simdAttention(
  heap: WasmHeap, gemm: Gemm, alloc: (bytes: number) => number,
  q: Float32Array, k: Float32Array, v: Float32Array, tq: number, tk: number, o: AttentionOptions,
): Float32Array {
  const { nKvHeads, headDim: hd, scale } = o;
  const { group, qw, kw } = headLayout(o);
  const hdp = pad4(hd);
  const tkp = pad4(tk);
  const rowsPerBlock = Math.max(1, Math.min(tq, Math.floor(SCORE_BLOCK / (group * Math.max(tk, 1)))));
  const out = new Float32Array(tq * qw);
  const ko = alloc(tk * hdp * 4);
  const vo = alloc(hd * tkp * 4);
  const qo = alloc(group * rowsPerBlock * hdp * 4);
  const so = alloc(group * rowsPerBlock * tk * 4);
  const po = alloc(group * rowsPerBlock * tkp * 4);
  const oo = alloc(group * rowsPerBlock * hd * 4);
  try {
    for (let g = 0; g < nKvHeads; g++) {
      const kg = heap.f32(ko, tk * hdp);
      const vt = heap.f32(vo, hd * tkp);
      kg.fill(0);
      vt.fill(0);
      for (let j = 0; j < tk; j++) {
        const src = j * kw + g * hd;
        kg.set(k.subarray(src, src + hd), j * hdp);
        for (let c = 0; c < hd; c++) vt[c * tkp + j] = v[src + c];
      }
      for (let i0 = 0; i0 < tq; i0 += rowsPerBlock) {
        const rows = Math.min(rowsPerBlock, tq - i0);
        const m = group * rows;
        const kEnd = Math.min(tk, o.queryOffset + i0 + rows);
        const qb = heap.f32(qo, m * hdp);
        qb.fill(0);
        for (let hh = 0; hh < group; hh++) {
          const h = g * group + hh;
          for (let r = 0; r < rows; r++) {
            const src = (i0 + r) * qw + h * hd;
            qb.set(q.subarray(src, src + hd), (hh * rows + r) * hdp);
          }
        }
        if (kEnd > 0) gemm(qo, ko, so, m, hdp, kEnd, columnBlock(hdp, kEnd));
        const s = heap.f32(so, m * kEnd);
        const p = heap.f32(po, m * tkp);
        p.fill(0);
        for (let row = 0; row < m; row++) {
          const [lo, hi] = keyRange(i0 + (row % rows), tk, o);
          if (hi < lo) continue;
          const sr = row * kEnd;
          const pr = row * tkp;
          let mx = -Infinity;
          for (let j = lo; j <= hi; j++) mx = Math.max(mx, s[sr + j] * scale);
          let sum = 0;
          for (let j = lo; j <= hi; j++) {
            const e = Math.exp(s[sr + j] * scale - mx);
            p[pr + j] = e;
            sum += e;
          }
          const inv = 1 / sum;
          for (let j = lo; j <= hi; j++) p[pr + j] *= inv;
        }
        gemm(po, vo, oo, m, tkp, hd, columnBlock(tkp, hd));
        const ob = heap.f32(oo, m * hd);
        for (let hh = 0; hh < group; hh++) {
          const h = g * group + hh;
          for (let r = 0; r < rows; r++) {
            const dst = (i0 + r) * qw + h * hd;
            out.set(ob.subarray((hh * rows + r) * hd, (hh * rows + r + 1) * hd), dst);
          }
        }
      }
    }
  } finally {
    for (const b of [ko, vo, qo, so, po, oo]) heap.release(b);
  }
  return out;
}
