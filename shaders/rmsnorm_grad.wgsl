// RMSNorm backward, input gradient, over the last axis of [rows, cols]; one workgroup per row:
//   r = 1 / sqrt(mean(x^2) + eps);  dx = r dy w - x r^3 (dy w . x) / cols
// It also writes r per row (rstd) for the weight gradient dw += sum_r dy x r (colsum.wgsl).
// Reference: src/core/grad/rmsnorm.ts.
override WG: u32 = 64u;
//!include "lib/rowreduce.wgsl"

struct Params { rows: u32, cols: u32, eps: f32, _pad: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wg, nwg);
  if (row >= p.rows) { return; }
  let o = row * p.cols;
  var ss = 0.0;
  var gx = 0.0;
  for (var c = lid; c < p.cols; c += WG) {
    let v = x[o + c];
    ss += v * v;
    gx += dy[o + c] * w[c] * v;
  }
  ss = wg_sum(ss, lid);
  gx = wg_sum(gx, lid);
  let r = inverseSqrt(ss / f32(p.cols) + p.eps);
  let k = r * r * r * gx / f32(p.cols);
  for (var c = lid; c < p.cols; c += WG) { dx[o + c] = r * dy[o + c] * w[c] - x[o + c] * k; }
  if (lid == 0u) { rstd[row] = r; }
}
