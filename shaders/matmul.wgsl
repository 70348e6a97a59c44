// Batched f32 matrix product, C[b] = A[b] @ op(B[b]) (+ bias), row-major.
//   TRANS_B = false: B is [K, N];  TRANS_B = true: B is [N, K] (HF [out, in] weights).
// Each invocation computes a TM x TN = 4 x 4 tile of C from registers, without workgroup
// memory or barriers: on software adapters barriers cost more than the extra global reads,
// and on real GPUs the L1/L2 caches serve the reuse. Out-of-range rows/columns are clamped on
// read and skipped on write, so any M, N, K works. Reference: src/core/ref/matmul.ts.
struct Params {
  M: u32, N: u32, K: u32, has_bias: u32,
  stride_a: u32, stride_b: u32, stride_c: u32, _pad: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override TRANS_B: bool = false;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row0 = gid.y * 4u;
  let col0 = gid.x * 4u;
  if (row0 >= p.M || col0 >= p.N) { return; }
  let a_off = gid.z * p.stride_a;
  let b_off = gid.z * p.stride_b;
  let c_off = gid.z * p.stride_c;
  let K = p.K;
  let N = p.N;
  let r = vec4u(min(row0, p.M - 1u), min(row0 + 1u, p.M - 1u), min(row0 + 2u, p.M - 1u), min(row0 + 3u, p.M - 1u));
  let c = vec4u(min(col0, N - 1u), min(col0 + 1u, N - 1u), min(col0 + 2u, N - 1u), min(col0 + 3u, N - 1u));
  let ar = a_off + r * K;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  if (TRANS_B) {
    let br = b_off + c * K;
    for (var k = 0u; k < K; k++) {
      let b = vec4f(B[br.x + k], B[br.y + k], B[br.z + k], B[br.w + k]);
      acc0 += A[ar.x + k] * b;
      acc1 += A[ar.y + k] * b;
      acc2 += A[ar.z + k] * b;
      acc3 += A[ar.w + k] * b;
    }
  } else {
    let bc = b_off + c;
    for (var k = 0u; k < K; k++) {
      let kn = k * N;
      let b = vec4f(B[bc.x + kn], B[bc.y + kn], B[bc.z + kn], B[bc.w + kn]);
      acc0 += A[ar.x + k] * b;
      acc1 += A[ar.y + k] * b;
      acc2 += A[ar.z + k] * b;
      acc3 += A[ar.w + k] * b;
    }
  }
  var bv = vec4f(0.0);
  if (p.has_bias != 0u) { bv = vec4f(bias[c.x], bias[c.y], bias[c.z], bias[c.w]); }
  let accs = array<vec4f, 4>(acc0 + bv, acc1 + bv, acc2 + bv, acc3 + bv);
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + i;
    if (row >= p.M) { break; }
    let o = c_off + row * N;
    for (var j = 0u; j < 4u; j++) {
      if (col0 + j < N) { C[o + col0 + j] = accs[i][j]; }
    }
  }
}
