// SwiGLU backward, element-wise: h = silu(g) * u  =>
//   dg = dh u silu'(g),  silu'(g) = sig(g) (1 + g (1 - sig(g))),   du = dh silu(g)
// One invocation per element. Reference: siluMulBackward in src/core/grad/swiglu.ts.
//!include "lib/activations.wgsl"
struct Params { n: u32, _a: u32, _b: u32, _c: u32 }

@group(0) @binding(0) var<storage, read> dh: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> u: array<f32>;
@group(0) @binding(3) var<storage, read_write> dg: array<f32>;
@group(0) @binding(4) var<storage, read_write> du: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let x = g[i];
  let s = sigmoid_f(x);
  du[i] = dh[i] * x * s;
  dg[i] = dh[i] * u[i] * s * (1.0 + x * (1.0 - s));
}
