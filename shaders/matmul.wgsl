// Batched f32 matrix product, C[b] = A[b] @ op(B[b]) (+ bias, or + a residual R[b]), row-major.
//   TRANS_B = false: B is [K, N];  TRANS_B = true: B is [N, K] (HF [out, in] weights).
// Three entry points (src/gpu/kernels/matmul.ts picks one per adapter and shape):
//   main        4 x 4 outputs per invocation from registers; no workgroup memory, no barriers.
//               Small problems (few rows) and the portable default.
//   main_8x8    8 x 8 outputs per invocation, K unrolled by 4; no barriers. Software adapters
//               (SwiftShader, llvmpipe) without subgroups: every storage read there is a
//               per-lane gather, so the figure of merit is multiply-adds per element read.
//   main_tiled  64 x 64 outputs per 16 x 16 workgroup, 16-deep K slices staged in workgroup
//               memory, 4 x 4 per invocation. Hardware GPUs, where barriers are cheap and
//               workgroup memory saves global bandwidth.
// shaders/matmul_sg.wgsl is the subgroup variant of main_8x8 (SwiftShader's fastest).
// Out-of-range rows/columns are clamped on read and skipped on write, so any M, N, K works.
// Reference: src/core/ref/matmul.ts.
//!include "lib/matmul_io.wgsl"

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TRANS_B: bool = false;

// Outer product a b^T: column i of the matrix is row i of the output tile.
fn outer(a: vec4f, b: vec4f) -> mat4x4f {
  return mat4x4f(a.x * b, a.y * b, a.z * b, a.w * b);
}

// Clamped row offsets of A for rows row0..row0+3 of batch z.
fn rows_a(z: u32, row0: u32) -> vec4u {
  return z * p.stride_a + min(vec4u(row0) + LANE4, vec4u(p.M - 1u)) * p.K;
}

fn cols(col0: u32) -> vec4u {
  return min(vec4u(col0) + LANE4, vec4u(p.N - 1u));
}

// Offsets of op(B)'s columns c at k = 0 (column numbers, or row offsets of B^T), batch included;
// op(B)[k, c] = B[cols_b(c) + k * select(N, 1, TRANS_B)].
fn cols_b(z: u32, c: vec4u) -> vec4u {
  if (TRANS_B) { return z * p.stride_b + c * p.K; }
  return z * p.stride_b + c;
}

// Write rows row0..row0+3, columns col0..col0+3 of a tile (skipping what lies outside C).
fn store4x4(z: u32, row0: u32, col0: u32, t: mat4x4f, bv: vec4f) {
  let N = p.N;
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + i;
    if (row >= p.M) { return; }
    let o = z * p.stride_c + row * N;
    let v = p.alpha * t[i] + bv;
    for (var j = 0u; j < 4u; j++) {
      if (col0 + j < N) { C[o + col0 + j] = v[j] + resid(o + col0 + j); }
    }
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row0 = gid.y * 4u;
  let col0 = gid.x * 4u;
  if (row0 >= p.M || col0 >= p.N) { return; }
  let ra = rows_a(gid.z, row0);
  let c = cols(col0);
  let cb = cols_b(gid.z, c);
  let ks = select(p.N, 1u, TRANS_B);
  var acc = mat4x4f();
  for (var k = 0u; k < p.K; k++) {
    let kb = k * ks;
    let a = vec4f(A[ra.x + k], A[ra.y + k], A[ra.z + k], A[ra.w + k]);
    acc += outer(a, vec4f(B[cb.x + kb], B[cb.y + kb], B[cb.z + kb], B[cb.w + kb]));
  }
  store4x4(gid.z, row0, col0, acc, bias4(c));
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main_8x8(@builtin(global_invocation_id) gid: vec3u) {
  let row0 = gid.y * 8u;
  let col0 = gid.x * 8u;
  let ra0 = rows_a(gid.z, row0);
  let ra1 = rows_a(gid.z, row0 + 4u);
  let c0 = cols(col0);
  let c1 = cols(col0 + 4u);
  let cb0 = cols_b(gid.z, c0);
  let cb1 = cols_b(gid.z, c1);
  // op(B)[k, n] = B[cb[n] + k * ks] in both layouts.
  let ks = select(p.N, 1u, TRANS_B);
  var acc00 = mat4x4f();
  var acc01 = mat4x4f();
  var acc10 = mat4x4f();
  var acc11 = mat4x4f();
  let K = p.K;
  let K4 = K & ~3u;
  var k = 0u;
  // Unrolled by hand, loads inline: the software compilers keep loop-carried values in memory
  // and do not inline calls that read storage, so both cost a round trip per step.
  for (; k < K4; k += 4u) {
    {
      let ka = k;
      let kb = ka * ks;
      let a0 = vec4f(A[ra0.x + ka], A[ra0.y + ka], A[ra0.z + ka], A[ra0.w + ka]);
      let a1 = vec4f(A[ra1.x + ka], A[ra1.y + ka], A[ra1.z + ka], A[ra1.w + ka]);
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      acc00 += outer(a0, b0); acc01 += outer(a0, b1); acc10 += outer(a1, b0); acc11 += outer(a1, b1);
    }
    {
      let ka = k + 1u;
      let kb = ka * ks;
      let a0 = vec4f(A[ra0.x + ka], A[ra0.y + ka], A[ra0.z + ka], A[ra0.w + ka]);
      let a1 = vec4f(A[ra1.x + ka], A[ra1.y + ka], A[ra1.z + ka], A[ra1.w + ka]);
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      acc00 += outer(a0, b0); acc01 += outer(a0, b1); acc10 += outer(a1, b0); acc11 += outer(a1, b1);
    }
    {
      let ka = k + 2u;
      let kb = ka * ks;
      let a0 = vec4f(A[ra0.x + ka], A[ra0.y + ka], A[ra0.z + ka], A[ra0.w + ka]);
      let a1 = vec4f(A[ra1.x + ka], A[ra1.y + ka], A[ra1.z + ka], A[ra1.w + ka]);
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      acc00 += outer(a0, b0); acc01 += outer(a0, b1); acc10 += outer(a1, b0); acc11 += outer(a1, b1);
    }
    {
      let ka = k + 3u;
      let kb = ka * ks;
      let a0 = vec4f(A[ra0.x + ka], A[ra0.y + ka], A[ra0.z + ka], A[ra0.w + ka]);
      let a1 = vec4f(A[ra1.x + ka], A[ra1.y + ka], A[ra1.z + ka], A[ra1.w + ka]);
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      acc00 += outer(a0, b0); acc01 += outer(a0, b1); acc10 += outer(a1, b0); acc11 += outer(a1, b1);
    }
  }
  for (; k < K; k++) {
    let kb = k * ks;
    let a0 = vec4f(A[ra0.x + k], A[ra0.y + k], A[ra0.z + k], A[ra0.w + k]);
    let a1 = vec4f(A[ra1.x + k], A[ra1.y + k], A[ra1.z + k], A[ra1.w + k]);
    let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
    let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
    acc00 += outer(a0, b0); acc01 += outer(a0, b1); acc10 += outer(a1, b0); acc11 += outer(a1, b1);
  }
  if (row0 >= p.M || col0 >= p.N) { return; }
  let bv0 = bias4(c0);
  let bv1 = bias4(c1);
  store4x4(gid.z, row0, col0, acc00, bv0);
  store4x4(gid.z, row0, col0 + 4u, acc01, bv1);
  store4x4(gid.z, row0 + 4u, col0, acc10, bv0);
  store4x4(gid.z, row0 + 4u, col0 + 4u, acc11, bv1);
}

// main_tiled: a 16 x 16 workgroup computes a 64 x 64 block of C. Each step stages a 64 x 16
// slice of A and a 16 x 64 slice of op(B) in workgroup memory (4 elements per invocation each),
// then every invocation accumulates its 4 x 4 outputs, strided by 16 so that neighbouring
// invocations read neighbouring words.
const TILE = 64u;
const TK = 16u;
var<workgroup> As: array<f32, 1024>; // [TK][TILE]: As[k * TILE + m]
var<workgroup> Bs: array<f32, 1024>; // [TK][TILE]: Bs[k * TILE + n]

@compute @workgroup_size(16, 16, 1)
fn main_tiled(
  @builtin(workgroup_id) wg: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) li: u32,
) {
  let M = p.M;
  let N = p.N;
  let K = p.K;
  let z = wg.z;
  let m0 = wg.y * TILE;
  let n0 = wg.x * TILE;
  var acc = array<vec4f, 4>();
  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var e = li; e < TILE * TK; e += 256u) {
      // A slice: element (m, kk), read along K for coalescing.
      let am = e / TK;
      let ak = e % TK;
      let ka = min(k0 + ak, K - 1u);
      let av = A[z * p.stride_a + min(m0 + am, M - 1u) * K + ka];
      As[ak * TILE + am] = select(0.0, av, k0 + ak < K);
      var bv: f32;
      if (TRANS_B) {
        let bn = e / TK;
        let bk = e % TK;
        bv = B[z * p.stride_b + min(n0 + bn, N - 1u) * K + min(k0 + bk, K - 1u)];
        Bs[bk * TILE + bn] = select(0.0, bv, k0 + bk < K);
      } else {
        let bk = e / TILE;
        let bn = e % TILE;
        bv = B[z * p.stride_b + min(k0 + bk, K - 1u) * N + min(n0 + bn, N - 1u)];
        Bs[bk * TILE + bn] = select(0.0, bv, k0 + bk < K);
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let a = vec4f(As[kk * TILE + lid.y], As[kk * TILE + lid.y + 16u], As[kk * TILE + lid.y + 32u], As[kk * TILE + lid.y + 48u]);
      let b = vec4f(Bs[kk * TILE + lid.x], Bs[kk * TILE + lid.x + 16u], Bs[kk * TILE + lid.x + 32u], Bs[kk * TILE + lid.x + 48u]);
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }
  let cn = n0 + lid.x + 16u * LANE4;
  let bv = bias4(min(cn, vec4u(N - 1u)));
  for (var i = 0u; i < 4u; i++) {
    let row = m0 + lid.y + 16u * i;
    if (row >= M) { break; }
    let o = z * p.stride_c + row * N;
    let v = p.alpha * acc[i] + bv;
    for (var j = 0u; j < 4u; j++) {
      if (cn[j] < N) { C[o + cn[j]] = v[j] + resid(o + cn[j]); }
    }
  }
}
