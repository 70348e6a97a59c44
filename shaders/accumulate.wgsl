// In-place accumulation acc[offset + i] += alpha * x[i], i < n: gradient accumulation (weight
// gradients over micro-batches, a vocabulary chunk's rows of the LM head's gradient, residual
// branches). One invocation per element. Reference: TrainBackend.addInPlace (src/core/train).
struct Params { n: u32, offset: u32, alpha: f32, _p: u32 }

@group(0) @binding(0) var<storage, read_write> acc: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  acc[p.offset + i] = acc[p.offset + i] + p.alpha * x[i];
}
