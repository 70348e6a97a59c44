// Subgroup variant of main_8x8 in shaders/matmul.wgsl (same bindings, parameters and result):
// C[b] = A[b] @ op(B[b]) (+ bias, or + a residual R[b]), 8 x 8 outputs per invocation, no
// workgroup memory.
// On SwiftShader every storage read is a per-lane gather, and the four lanes of a subgroup
// (consecutive invocations along x, so the same rows of A) would each fetch the same A words.
// Instead lane l fetches A[row, k + l] and subgroupBroadcast hands the four values round:
// a quarter of the A reads, about 1.6x the speed of main_8x8 there.
// Precondition (checked by src/gpu/kernels/matmul.ts, which uses this only on SwiftShader):
// subgroups are 4 consecutive invocations and WG_X is a multiple of 4.
// Reference: src/core/ref/matmul.ts.
enable subgroups;

//!include "lib/matmul_io.wgsl"

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TRANS_B: bool = false;

fn outer(a: vec4f, b: vec4f) -> mat4x4f {
  return mat4x4f(a.x * b, a.y * b, a.z * b, a.w * b);
}

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
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(subgroup_invocation_id) sg: u32) {
  let M = p.M;
  let N = p.N;
  let K = p.K;
  let lane = sg & 3u;
  let row0 = gid.y * 8u;
  let col0 = gid.x * 8u;
  let a_off = gid.z * p.stride_a;
  let ra0 = a_off + min(vec4u(row0) + LANE4, vec4u(M - 1u)) * K;
  let ra1 = a_off + min(vec4u(row0 + 4u) + LANE4, vec4u(M - 1u)) * K;
  let c0 = min(vec4u(col0) + LANE4, vec4u(N - 1u));
  let c1 = min(vec4u(col0 + 4u) + LANE4, vec4u(N - 1u));
  // op(B)[k, n] = B[cb[n] + k * ks] in both layouts.
  let ks = select(N, 1u, TRANS_B);
  let cb0 = gid.z * p.stride_b + select(c0, c0 * K, TRANS_B);
  let cb1 = gid.z * p.stride_b + select(c1, c1 * K, TRANS_B);
  var acc00 = mat4x4f();
  var acc01 = mat4x4f();
  var acc10 = mat4x4f();
  var acc11 = mat4x4f();
  let K4 = K & ~3u;
  var k = 0u;
  // Every lane stays active through the loops (the broadcasts need all four); out-of-range
  // rows and columns are clamped here and dropped at the store.
  for (; k < K4; k += 4u) {
    let la0 = vec4f(A[ra0.x + k + lane], A[ra0.y + k + lane], A[ra0.z + k + lane], A[ra0.w + k + lane]);
    let la1 = vec4f(A[ra1.x + k + lane], A[ra1.y + k + lane], A[ra1.z + k + lane], A[ra1.w + k + lane]);
    {
      let a0 = subgroupBroadcast(la0, 0u);
      let a1 = subgroupBroadcast(la1, 0u);
      let kb = (k) * ks;
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      acc00 += outer(a0, b0); acc01 += outer(a0, b1); acc10 += outer(a1, b0); acc11 += outer(a1, b1);
    }
    {
      let a0 = subgroupBroadcast(la0, 1u);
      let a1 = subgroupBroadcast(la1, 1u);
      let kb = (k + 1u) * ks;
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      acc00 += outer(a0, b0); acc01 += outer(a0, b1); acc10 += outer(a1, b0); acc11 += outer(a1, b1);
    }
    {
      let a0 = subgroupBroadcast(la0, 2u);
      let a1 = subgroupBroadcast(la1, 2u);
      let kb = (k + 2u) * ks;
      let b0 = vec4f(B[cb0.x + kb], B[cb0.y + kb], B[cb0.z + kb], B[cb0.w + kb]);
      let b1 = vec4f(B[cb1.x + kb], B[cb1.y + kb], B[cb1.z + kb], B[cb1.w + kb]);
      acc00 += outer(a0, b0); acc01 += outer(a0, b1); acc10 += outer(a1, b0); acc11 += outer(a1, b1);
    }
    {
      let a0 = subgroupBroadcast(la0, 3u);
      let a1 = subgroupBroadcast(la1, 3u);
      let kb = (k + 3u) * ks;
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
  if (row0 >= M || col0 >= N) { return; }
  let bv0 = bias4(c0);
  let bv1 = bias4(c1);
  store4x4(gid.z, row0, col0, acc00, bv0);
  store4x4(gid.z, row0, col0 + 4u, acc01, bv1);
  store4x4(gid.z, row0 + 4u, col0, acc10, bv0);
  store4x4(gid.z, row0 + 4u, col0 + 4u, acc11, bv1);
}
