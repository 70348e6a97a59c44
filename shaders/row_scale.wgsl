// y[r, :] = x[r, :] * sigmoid(s[r]): Qwen2-MoE's gate on the shared expert's output.
// Reference: CpuBackend.mulSigmoidRows (src/core/cpu-backend.ts) with sigmoid from ref/elementwise.
//!include "lib/activations.wgsl"
struct Params { n: u32, cols: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> s: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.n * p.cols) { return; }
  y[idx] = x[idx] * sigmoid_f(s[idx / p.cols]);
}
