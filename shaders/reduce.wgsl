// Reduction over the last axis of [rows, cols] -> [rows]. OP: 0 sum, 1 mean, 2 max, 3 sum of
// squares. One workgroup per row. Reference: src/core/ref/reduce.ts.
override WG: u32 = 64u;
override OP: u32 = 0u;
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
  var acc = 0.0;
  if (OP == 2u) { acc = -3.402823e38; }
  for (var c = lid; c < p.cols; c += WG) {
    let v = x[o + c];
    if (OP == 2u) { acc = max(acc, v); } else if (OP == 3u) { acc += v * v; } else { acc += v; }
  }
  if (OP == 2u) { acc = wg_max(acc, lid); } else { acc = wg_sum(acc, lid); }
  if (lid == 0u) {
    if (OP == 1u) { y[row] = acc / f32(p.cols); } else { y[row] = acc; }
  }
}
