// Row gather: y[i, :] = x[ids[i], :] (embedding lookup, tokens routed to an expert).
// One invocation per output element. Reference: gatherRows in src/core/ref/moe.ts.
struct Params { n: u32, cols: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.n * p.cols) { return; }
  let i = idx / p.cols;
  let c = idx % p.cols;
  y[idx] = x[ids[i] * p.cols + c];
}
