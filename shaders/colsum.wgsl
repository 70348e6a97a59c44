// Weighted column sums accumulated into a vector: acc[j] += sum_r a[r, j] * b[r, j] * s[r]
// (b and s optional, flags bit 0 and bit 1). The weight gradients that are sums over rows:
// RMSNorm's dw = sum_r dy * x * rstd_r, a bias's db = sum_r dy. One invocation per column, so
// there are no write races and neighbouring invocations read neighbouring words.
// Reference: src/core/grad/rmsnorm.ts, src/core/grad/linear.ts.
struct Params { rows: u32, cols: u32, flags: u32, _p: u32 }

@group(0) @binding(0) var<storage, read_write> acc: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> s: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = gid.x + gid.y * nwg.x * WG;
  if (j >= p.cols) { return; }
  let has_b = (p.flags & 1u) != 0u;
  let has_s = (p.flags & 2u) != 0u;
  var sum = 0.0;
  for (var r = 0u; r < p.rows; r++) {
    var v = a[r * p.cols + j];
    if (has_b) { v *= b[r * p.cols + j]; }
    if (has_s) { v *= s[r]; }
    sum += v;
  }
  acc[j] = acc[j] + sum;
}
