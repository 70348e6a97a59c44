// Backward of the sigmoid row gate y[r] = x[r] * sig(s[r]) (Qwen2-MoE's shared-expert gate):
//   dx[r] = dy[r] sig(s[r]),   ds[r] = sig(s[r]) (1 - sig(s[r])) (dy[r] . x[r])
// One workgroup per row. Reference: mulSigmoidRowsBackward in src/core/grad/swiglu.ts.
override WG: u32 = 64u;
//!include "lib/rowreduce.wgsl"
//!include "lib/activations.wgsl"

struct Params { rows: u32, cols: u32, _a: u32, _b: u32 }

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> s: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<storage, read_write> ds: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wg, nwg);
  if (row >= p.rows) { return; }
  let o = row * p.cols;
  let sg = sigmoid_f(s[row]);
  var dot = 0.0;
  for (var c = lid; c < p.cols; c += WG) {
    dot += dy[o + c] * x[o + c];
    dx[o + c] = dy[o + c] * sg;
  }
  dot = wg_sum(dot, lid);
  if (lid == 0u) { ds[row] = dot * sg * (1.0 - sg); }
}
