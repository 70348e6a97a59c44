// Weighted row scatter-add: acc[dst[i], :] += w[i] * src[src_ids[i] (or i), :]. Destination
// rows must be distinct within one dispatch (true for one expert's tokens: top-k picks distinct
// experts), so there are no write races. Reference: scatterAddRows in src/core/ref/moe.ts.
struct Params { n: u32, cols: u32, has_src: u32, _p: u32 }

@group(0) @binding(0) var<storage, read_write> acc: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> dst: array<u32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> src_ids: array<u32>;
@group(0) @binding(5) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.n * p.cols) { return; }
  let i = idx / p.cols;
  let c = idx % p.cols;
  var s = i;
  if (p.has_src != 0u) { s = src_ids[i]; }
  let a = dst[i] * p.cols + c;
  acc[a] = acc[a] + w[i] * src[s * p.cols + c];
}
