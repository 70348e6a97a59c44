// RMSNorm over the last axis of [rows, cols]: y = x * inverseSqrt(mean(x^2) + eps) * w.
// One workgroup per row. Reference: src/core/ref/rmsnorm.ts.
override WG: u32 = 64u;
//!include "lib/rowreduce.wgsl"

struct Params { rows: u32, cols: u32, eps: f32, _pad: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wg, nwg);
  if (row >= p.rows) { return; }
  let o = row * p.cols;
  var ss = 0.0;
  for (var c = lid; c < p.cols; c += WG) { let v = x[o + c]; ss += v * v; }
  ss = wg_sum(ss, lid);
  let inv = inverseSqrt(ss / f32(p.cols) + p.eps);
  for (var c = lid; c < p.cols; c += WG) { y[o + c] = x[o + c] * inv * w[c]; }
}
