// Skinny matrix product for a few rows (decoding: M = 1 token), same bindings, parameters and
// result as shaders/matmul.wgsl: C[b] = A[b] @ op(B[b]) (+ bias, or + a residual R[b]). Each
// invocation computes ROWS rows x 8 columns, so no multiply-add is spent on rows that do not
// exist (the 4 x 4 and 8 x 8 tiles of matmul.wgsl clamp missing rows and compute them anyway:
// 4x or 8x the work at M = 1), and each value of A read serves 8 columns. K is unrolled by 4
// with the loads inline (software adapters keep loop-carried values in memory and do not inline
// calls that read storage). Small workgroups (WG invocations along N) so that even N = 256
// spreads over several workgroups (cores, on a software adapter). Any M works: gid.y walks
// groups of ROWS rows; out-of-range rows and columns are clamped on read and skipped on write.
// Reference: src/core/ref/matmul.ts.
//!include "lib/matmul_io.wgsl"

override WG: u32 = 16u;
// Rows of A per invocation: 1, 2 or 4.
override ROWS: u32 = 1u;
override TRANS_B: bool = true;

fn store8(z: u32, row: u32, col0: u32, v0: vec4f, v1: vec4f) {
  let N = p.N;
  if (row >= p.M) { return; }
  let o = z * p.stride_c + row * N + col0;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < N) { C[o + j] = v0[j] + resid(o + j); }
  }
  for (var j = 0u; j < 4u; j++) {
    if (col0 + 4u + j < N) { C[o + 4u + j] = v1[j] + resid(o + 4u + j); }
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let M = p.M;
  let N = p.N;
  let K = p.K;
  let row0 = gid.y * ROWS;
  let col0 = gid.x * 8u;
  if (row0 >= M || col0 >= N) { return; }
  let ra = gid.z * p.stride_a + min(vec4u(row0) + LANE4, vec4u(M - 1u)) * K;
  let c0 = min(vec4u(col0) + LANE4, vec4u(N - 1u));
  let c1 = min(vec4u(col0 + 4u) + LANE4, vec4u(N - 1u));
  // op(B)[k, n] = B[cb[n] + k * ks] in both layouts.
  let ks = select(N, 1u, TRANS_B);
  let cb0 = gid.z * p.stride_b + select(c0, c0 * K, TRANS_B);
  let cb1 = gid.z * p.stride_b + select(c1, c1 * K, TRANS_B);
  var s00 = vec4f(); var s01 = vec4f();
  var s10 = vec4f(); var s11 = vec4f();
  var s20 = vec4f(); var s21 = vec4f();
  var s30 = vec4f(); var s31 = vec4f();
  let K4 = K & ~3u;
  var k = 0u;
  for (; k < K4; k += 4u) {
    {
      let kb = k * ks;
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      let a0 = A[ra.x + k]; s00 += a0 * b0; s01 += a0 * b1;
      if (ROWS > 1u) { let a1 = A[ra.y + k]; s10 += a1 * b0; s11 += a1 * b1; }
      if (ROWS > 2u) { let a2 = A[ra.z + k]; s20 += a2 * b0; s21 += a2 * b1; let a3 = A[ra.w + k]; s30 += a3 * b0; s31 += a3 * b1; }
    }
    {
      let ka = k + 1u;
      let kb = ka * ks;
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      let a0 = A[ra.x + ka]; s00 += a0 * b0; s01 += a0 * b1;
      if (ROWS > 1u) { let a1 = A[ra.y + ka]; s10 += a1 * b0; s11 += a1 * b1; }
      if (ROWS > 2u) { let a2 = A[ra.z + ka]; s20 += a2 * b0; s21 += a2 * b1; let a3 = A[ra.w + ka]; s30 += a3 * b0; s31 += a3 * b1; }
    }
    {
      let ka = k + 2u;
      let kb = ka * ks;
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      let a0 = A[ra.x + ka]; s00 += a0 * b0; s01 += a0 * b1;
      if (ROWS > 1u) { let a1 = A[ra.y + ka]; s10 += a1 * b0; s11 += a1 * b1; }
      if (ROWS > 2u) { let a2 = A[ra.z + ka]; s20 += a2 * b0; s21 += a2 * b1; let a3 = A[ra.w + ka]; s30 += a3 * b0; s31 += a3 * b1; }
    }
    {
      let ka = k + 3u;
      let kb = ka * ks;
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      let a0 = A[ra.x + ka]; s00 += a0 * b0; s01 += a0 * b1;
      if (ROWS > 1u) { let a1 = A[ra.y + ka]; s10 += a1 * b0; s11 += a1 * b1; }
      if (ROWS > 2u) { let a2 = A[ra.z + ka]; s20 += a2 * b0; s21 += a2 * b1; let a3 = A[ra.w + ka]; s30 += a3 * b0; s31 += a3 * b1; }
    }
  }
  for (; k < K; k++) {
    let kb = k * ks;
    let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
    let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
    let a0 = A[ra.x + k]; s00 += a0 * b0; s01 += a0 * b1;
    if (ROWS > 1u) { let a1 = A[ra.y + k]; s10 += a1 * b0; s11 += a1 * b1; }
    if (ROWS > 2u) { let a2 = A[ra.z + k]; s20 += a2 * b0; s21 += a2 * b1; let a3 = A[ra.w + k]; s30 += a3 * b0; s31 += a3 * b1; }
  }
  let bv0 = bias4(c0);
  let bv1 = bias4(c1);
  store8(gid.z, row0, col0, p.alpha * s00 + bv0, p.alpha * s01 + bv1);
  if (ROWS > 1u) { store8(gid.z, row0 + 1u, col0, p.alpha * s10 + bv0, p.alpha * s11 + bv1); }
  if (ROWS > 2u) {
    store8(gid.z, row0 + 2u, col0, p.alpha * s20 + bv0, p.alpha * s21 + bv1);
    store8(gid.z, row0 + 3u, col0, p.alpha * s30 + bv0, p.alpha * s31 + bv1);
  }
}

// main_glu: the SwiGLU hidden state of one row per invocation row (gid.y = row),
// C[r, n] = silu(A[r] . G[n]) * (A[r] . U[n]) with G = gate_proj [N, K] bound in place of B and
// U = up_proj [N, K] in place of the bias: one pass reads A once for both projections and
// replaces two matvecs and the element-wise silu_mul. has_bias must be 0 (the binding is U).
// Reference: src/core/ref/matmul.ts swigluBT.
//!include "lib/activations.wgsl"

@compute @workgroup_size(WG, 1, 1)
fn main_glu(@builtin(global_invocation_id) gid: vec3u) {
  let N = p.N;
  let K = p.K;
  let row = gid.y;
  let col0 = gid.x * 8u;
  if (row >= p.M || col0 >= N) { return; }
  let ra = row * K;
  let c0 = (min(vec4u(col0) + LANE4, vec4u(N - 1u))) * K;
  let c1 = (min(vec4u(col0 + 4u) + LANE4, vec4u(N - 1u))) * K;
  var g0 = vec4f(); var g1 = vec4f();
  var u0 = vec4f(); var u1 = vec4f();
  let K4 = K & ~3u;
  var k = 0u;
  for (; k < K4; k += 4u) {
    {
      let a = A[ra + k];
      g0 += a * vec4f(B[c0.x + k], B[c0.y + k], B[c0.z + k], B[c0.w + k]);
      g1 += a * vec4f(B[c1.x + k], B[c1.y + k], B[c1.z + k], B[c1.w + k]);
      u0 += a * vec4f(bias[c0.x + k], bias[c0.y + k], bias[c0.z + k], bias[c0.w + k]);
      u1 += a * vec4f(bias[c1.x + k], bias[c1.y + k], bias[c1.z + k], bias[c1.w + k]);
    }
    {
      let ka = k + 1u;
      let a = A[ra + ka];
      g0 += a * vec4f(B[c0.x + ka], B[c0.y + ka], B[c0.z + ka], B[c0.w + ka]);
      g1 += a * vec4f(B[c1.x + ka], B[c1.y + ka], B[c1.z + ka], B[c1.w + ka]);
      u0 += a * vec4f(bias[c0.x + ka], bias[c0.y + ka], bias[c0.z + ka], bias[c0.w + ka]);
      u1 += a * vec4f(bias[c1.x + ka], bias[c1.y + ka], bias[c1.z + ka], bias[c1.w + ka]);
    }
    {
      let ka = k + 2u;
      let a = A[ra + ka];
      g0 += a * vec4f(B[c0.x + ka], B[c0.y + ka], B[c0.z + ka], B[c0.w + ka]);
      g1 += a * vec4f(B[c1.x + ka], B[c1.y + ka], B[c1.z + ka], B[c1.w + ka]);
      u0 += a * vec4f(bias[c0.x + ka], bias[c0.y + ka], bias[c0.z + ka], bias[c0.w + ka]);
      u1 += a * vec4f(bias[c1.x + ka], bias[c1.y + ka], bias[c1.z + ka], bias[c1.w + ka]);
    }
    {
      let ka = k + 3u;
      let a = A[ra + ka];
      g0 += a * vec4f(B[c0.x + ka], B[c0.y + ka], B[c0.z + ka], B[c0.w + ka]);
      g1 += a * vec4f(B[c1.x + ka], B[c1.y + ka], B[c1.z + ka], B[c1.w + ka]);
      u0 += a * vec4f(bias[c0.x + ka], bias[c0.y + ka], bias[c0.z + ka], bias[c0.w + ka]);
      u1 += a * vec4f(bias[c1.x + ka], bias[c1.y + ka], bias[c1.z + ka], bias[c1.w + ka]);
    }
  }
  for (; k < K; k++) {
    let a = A[ra + k];
    g0 += a * vec4f(B[c0.x + k], B[c0.y + k], B[c0.z + k], B[c0.w + k]);
    g1 += a * vec4f(B[c1.x + k], B[c1.y + k], B[c1.z + k], B[c1.w + k]);
    u0 += a * vec4f(bias[c0.x + k], bias[c0.y + k], bias[c0.z + k], bias[c0.w + k]);
    u1 += a * vec4f(bias[c1.x + k], bias[c1.y + k], bias[c1.z + k], bias[c1.w + k]);
  }
  let o = row * N + col0;
  for (var j = 0u; j < 4u; j++) {
    if (col0 + j < N) { C[o + j] = silu_f(g0[j]) * u0[j]; }
  }
  for (var j = 0u; j < 4u; j++) {
    if (col0 + 4u + j < N) { C[o + 4u + j] = silu_f(g1[j]) * u1[j]; }
  }
}
