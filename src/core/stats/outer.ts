/**
 * Sums of outer products, X[i, j] += sum_t a[t, i] * b[t, j] (a: [T, da], b: [T, db] row-major
 * f64), the cross and second moments of MomentAccumulator. The plain form is T rank-1 updates,
 * each sweeping all of X (for d_ff 4864: a 189 MB f64 matrix per token, memory-bound). Here each
 * X[i, j] is summed over the tokens in a register, starting from X[i, j] and adding the terms in
 * token order: the same f64 operations in the same order as the rank-1 updates (JavaScript does
 * not fuse multiply-adds), so the result is bit-identical, with X touched once per call. The
 * inputs are transposed to [d, T] so the token loop reads contiguous memory, and columns go in
 * blocks of JB (their b rows stay in cache while every row i passes), in tiles of two rows by
 * four columns.
 */

const JB = 64;

/** [T, d] row-major -> [d, T]. */
function transpose(x: Float64Array, T: number, d: number): Float64Array {
  const out = new Float64Array(T * d);
  for (let t = 0; t < T; t++) {
    const o = t * d;
    for (let i = 0; i < d; i++) out[i * T + t] = x[o + i];
  }
  return out;
}

/** X[r + j] summed over the tokens for one row i (columns j0 <= j < j1), from `s = X[r + j]`. */
function oneRow(X: Float64Array, r: number, aT: Float64Array, ao: number, bT: Float64Array, j0: number, j1: number, T: number): void {
  for (let j = j0; j < j1; j++) {
    let s = X[r + j];
    const bo = j * T;
    for (let t = 0; t < T; t++) s += aT[ao + t] * bT[bo + t];
    X[r + j] = s;
  }
}

export function addOuterProducts(X: Float64Array, a: Float64Array, da: number, b: Float64Array, db: number, T: number): void {
  const aT = transpose(a, T, da);
  const bT = a === b && da === db ? aT : transpose(b, T, db);
  for (let j0 = 0; j0 < db; j0 += JB) {
    const j1 = Math.min(db, j0 + JB);
    const j4 = j0 + ((j1 - j0) & ~3);
    let i = 0;
    // Two rows by four columns per register tile: 8 sums, 6 loads per token.
    for (; i + 2 <= da; i += 2) {
      const a0 = i * T;
      const a1 = a0 + T;
      const r0 = i * db;
      const r1 = r0 + db;
      for (let j = j0; j < j4; j += 4) {
        let s00 = X[r0 + j], s01 = X[r0 + j + 1], s02 = X[r0 + j + 2], s03 = X[r0 + j + 3];
        let s10 = X[r1 + j], s11 = X[r1 + j + 1], s12 = X[r1 + j + 2], s13 = X[r1 + j + 3];
        const b0 = j * T;
        const b1 = b0 + T;
        const b2 = b1 + T;
        const b3 = b2 + T;
        for (let t = 0; t < T; t++) {
          const x0 = aT[a0 + t];
          const x1 = aT[a1 + t];
          const y0 = bT[b0 + t];
          const y1 = bT[b1 + t];
          const y2 = bT[b2 + t];
          const y3 = bT[b3 + t];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
        }
        X[r0 + j] = s00;
        X[r0 + j + 1] = s01;
        X[r0 + j + 2] = s02;
        X[r0 + j + 3] = s03;
        X[r1 + j] = s10;
        X[r1 + j + 1] = s11;
        X[r1 + j + 2] = s12;
        X[r1 + j + 3] = s13;
      }
      oneRow(X, r0, aT, a0, bT, j4, j1, T);
      oneRow(X, r1, aT, a1, bT, j4, j1, T);
    }
    if (i < da) oneRow(X, i * db, aT, i * T, bT, j0, j1, T);
  }
}
