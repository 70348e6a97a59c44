/**
 * The generated WebAssembly SIMD matrix kernel behind the fast CPU backend:
 *   gemm(x, w, y, M, K, N, JB):  y[M, N] = x[M, K] @ w[N, K]^T
 * with w in the HF linear [out, in] layout as it is (no packing), K a multiple of 4 (callers pad),
 * y row-major [M, N]. Pointers are byte offsets into the imported memory.
 *
 * Blocking: columns in blocks of JB (chosen by the caller so that JB rows of w stay in cache
 * while every row of x passes over them); inside a block, tiles of 4 rows x 2 columns hold
 * 8 f32x4 accumulators of partial dot products over k (plus 2 w vectors and 1 x vector: 11 of
 * the 16 SIMD registers of an x86-64 host), reduced across lanes once per tile; leftover rows and
 * columns run 1-row / 1-column tiles. With relaxed SIMD the multiply-add is one fused instruction
 * where the CPU has FMA, otherwise mul + add: f32 maths either way, summed in 4 interleaved
 * partial sums.
 */
import { FuncBuilder, I32, V128, moduleBytes } from './wasm-emit';

const ROWS = 4;
const COLS = 2;

function gemmFunction(fused: boolean): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32, I32, I32]);
  const [x, w, y, M, K, N, JB] = [0, 1, 2, 3, 4, 5, 6];
  const r = f.local(I32);
  const j = f.local(I32);
  const j0 = f.local(I32);
  const j1 = f.local(I32);
  const kb = f.local(I32);
  const kend = f.local(I32);
  const yp = f.local(I32);
  const xr = Array.from({ length: ROWS }, () => f.local(I32));
  const wr = Array.from({ length: COLS }, () => f.local(I32));
  const acc = Array.from({ length: ROWS * COLS }, () => f.local(V128));
  const wv = Array.from({ length: COLS }, () => f.local(V128));
  const xv = f.local(V128);

  const tile = (rows: number, cols: number): void => {
    for (let i = 0; i < rows; i++) f.get(r).i32(i).add().get(K).mul().i32(2).shl().get(x).add().set(xr[i]);
    for (let c = 0; c < cols; c++) f.get(j).i32(c).add().get(K).mul().i32(2).shl().get(w).add().set(wr[c]);
    for (let t = 0; t < rows * cols; t++) f.v128Zero().set(acc[t]);
    f.i32(0).set(kb);
    f.block(() => f.loop(() => {
      f.get(kb).get(kend).ltU().eqz().brIf(1);
      for (let c = 0; c < cols; c++) f.get(wr[c]).v128Load().set(wv[c]);
      for (let i = 0; i < rows; i++) {
        f.get(xr[i]).v128Load().set(xv);
        for (let c = 0; c < cols; c++) {
          const t = acc[i * cols + c];
          if (fused) f.get(xv).get(wv[c]).get(t).f32x4Madd().set(t);
          else f.get(t).get(xv).get(wv[c]).f32x4Mul().f32x4Add().set(t);
        }
      }
      f.inc(kb, 16);
      for (let i = 0; i < rows; i++) f.inc(xr[i], 16);
      for (let c = 0; c < cols; c++) f.inc(wr[c], 16);
      f.br(0);
    }));
    // yp = y + (r * N + j) * 4; each accumulator's 4 lanes summed into y[r + i, j + c].
    f.get(r).get(N).mul().get(j).add().i32(2).shl().get(y).add().set(yp);
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < cols; c++) {
        const t = acc[i * cols + c];
        f.get(yp);
        f.get(t).get(t).get(t).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).f32x4Add().set(t);
        f.get(t).get(t).get(t).shuffle([4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11]).f32x4Add().f32x4ExtractLane(0);
        f.f32Store(c * 4);
      }
      if (i < rows - 1) f.get(yp).get(N).i32(2).shl().add().set(yp);
    }
  };
  /** for j in [j0, j1): tiles of COLS columns, then single columns. */
  const columns = (rows: number): void => {
    f.get(j0).set(j);
    f.block(() => f.loop(() => {
      f.get(j).i32(COLS).add().get(j1).leU().eqz().brIf(1);
      tile(rows, COLS);
      f.inc(j, COLS);
      f.br(0);
    }));
    f.block(() => f.loop(() => {
      f.get(j).get(j1).ltU().eqz().brIf(1);
      tile(rows, 1);
      f.inc(j, 1);
      f.br(0);
    }));
  };

  f.get(K).i32(2).shl().set(kend);
  f.i32(0).set(j0);
  f.block(() => f.loop(() => {
    f.get(j0).get(N).ltU().eqz().brIf(1);
    // j1 = min(j0 + JB, N)
    f.get(j0).get(JB).add().set(j1);
    f.block(() => {
      f.get(j1).get(N).leU().brIf(0);
      f.get(N).set(j1);
    });
    // Touch the block's rows of w in address order first (one load per cache line): a plain
    // sequential stream the hardware prefetcher fetches at full bandwidth, where the tiles'
    // interleaved short row walks would otherwise wait on memory for weights not in cache.
    // With one row tile (M <= 4: decoding) the tiles' pass is itself the only read: skipped.
    f.block(() => {
      f.get(M).i32(ROWS).leU().brIf(0);
      f.get(j0).get(K).mul().i32(2).shl().get(w).add().set(kb);
      f.get(j1).get(K).mul().i32(2).shl().get(w).add().set(yp);
      f.loop(() => {
        f.get(kb).get(yp).ltU().eqz().brIf(1);
        f.get(kb).v128Load().drop();
        f.inc(kb, 64);
        f.br(0);
      });
    });
    f.i32(0).set(r);
    f.block(() => f.loop(() => {
      f.get(r).i32(ROWS).add().get(M).leU().eqz().brIf(1);
      columns(ROWS);
      f.inc(r, ROWS);
      f.br(0);
    }));
    f.block(() => f.loop(() => {
      f.get(r).get(M).ltU().eqz().brIf(1);
      columns(1);
      f.inc(r, 1);
      f.br(0);
    }));
    f.get(j1).set(j0);
    f.br(0);
  }));
  return f;
}

/**
 * siluMul(g, u, y, n): y[i] = silu(g[i]) * u[i] = g[i] / (1 + exp(-g[i])) * u[i] for n floats
 * (rounded up to whole vectors: blocks from the heap are 16-byte multiples). exp is Cephes'
 * expf: x = n ln2 + r with |r| <= ln2 / 2, a degree-7 polynomial in r, 2^n built in the
 * exponent bits; relative error about 1e-7; the argument is clamped to +-88.3 (exp(88.3) is
 * near the f32 maximum; silu of inputs beyond is 0 or the input to f32 precision).
 */
function siluMulFunction(): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32]);
  const [g, u, y, n] = [0, 1, 2, 3];
  const end = f.local(I32);
  const x = f.local(V128);
  const nn = f.local(V128);
  const r = f.local(V128);
  const p = f.local(V128);
  f.get(n).i32(2).shl().get(g).add().set(end);
  f.block(() => f.loop(() => {
    f.get(g).get(end).ltU().eqz().brIf(1);
    // x = clamp(-g, -88.3, 88.3)
    f.get(g).v128Load().f32x4Neg().f32x4Const(88.3).f32x4Min().f32x4Const(-88.3).f32x4Max().set(x);
    // nn = nearest(x * log2(e)); r = x - nn * ln2_hi - nn * ln2_lo
    f.get(x).f32x4Const(1.4426950408889634).f32x4Mul().f32x4Nearest().set(nn);
    f.get(x).get(nn).f32x4Const(0.693359375).f32x4Mul().f32x4Sub().get(nn).f32x4Const(-2.12194440e-4).f32x4Mul().f32x4Sub().set(r);
    // p = ((((((c0 r + c1) r + c2) r + c3) r + c4) r + c5) r^2 + r + 1
    f.f32x4Const(1.9875691500e-4);
    for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) f.get(r).f32x4Mul().f32x4Const(c).f32x4Add();
    f.get(r).get(r).f32x4Mul().f32x4Mul().get(r).f32x4Add().f32x4Const(1).f32x4Add().set(p);
    // exp = p * 2^nn (exponent bits (nn + 127) << 23)
    f.get(p).get(nn).i32x4TruncSatF32x4S().i32x4Const(127).i32x4Add().i32(23).i32x4Shl().f32x4Mul().set(p);
    // y = g * u / (1 + exp(-g))
    f.get(y).get(g).v128Load().get(u).v128Load().f32x4Mul().f32x4Const(1).get(p).f32x4Add().f32x4Div().v128Store();
    f.inc(g, 16).inc(u, 16).inc(y, 16);
    f.br(0);
  }));
  return f;
}

const built = new Map<boolean, Uint8Array<ArrayBuffer>>();

/** The kernel module's bytes (made once per variant); `fused` uses relaxed SIMD's multiply-add. */
export function gemmModuleBytes(fused: boolean): Uint8Array<ArrayBuffer> {
  let bytes = built.get(fused);
  if (!bytes) {
    bytes = moduleBytes([{ name: 'gemm', fn: gemmFunction(fused) }, { name: 'siluMul', fn: siluMulFunction() }]);
    built.set(fused, bytes);
  }
  return bytes;
}

/** k rounded up to the kernel's step of 4 (rows of x and w are padded with zeros to it). */
export const pad4 = (k: number): number => Math.ceil(k / 4) * 4;

/** Columns per block: as many rows of w as fit in about 96 KiB (at least one tile). */
export function columnBlock(k: number, n: number): number {
  const jb = Math.max(COLS, Math.floor((96 * 1024) / (k * 4 * COLS)) * COLS);
  return Math.min(jb, Math.max(n, 1));
}
