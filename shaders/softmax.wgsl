// Numerically stable softmax over the last axis of [rows, cols]; one workgroup per row, so
// cols can be as large as a vocabulary. Reference: src/core/ref/softmax.ts.
override WG: u32 = 64u;
//!include "lib/rowreduce.wgsl"

struct Params { rows: u32, cols: u32, _a: u32, _b: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wg, nwg);
  if (row >= p.rows) { return; }
  let o = row * p.cols;
  var m = -3.402823e38;
  for (var c = lid; c < p.cols; c += WG) { m = max(m, x[o + c]); }
  m = wg_max(m, lid);
  var s = 0.0;
  for (var c = lid; c < p.cols; c += WG) { s += exp(x[o + c] - m); }
  s = wg_sum(s, lid);
  let inv = 1.0 / s;
  for (var c = lid; c < p.cols; c += WG) { y[o + c] = exp(x[o + c] - m) * inv; }
}
