// Softmax gradient of the chunked LM-head cross-entropy, fused: one vocabulary chunk of logits
// z [rows, cols] (columns [v0, v0 + cols)) becomes, in place,
//   dz_rv = scale_r (exp(z_rv - lse_r) - [v = target_r]),  lse_r = m_r + ln s_r
// from the final state [m | s | t] of shaders/xent.wgsl, so [rows, vocab] never exists. Rows
// with target < 0 are not scored (dz = 0). dx and dW then follow as matmuls of dz.
// Reference: lmHeadLossBackward in src/core/grad/crossentropy.ts.
struct Params { rows: u32, cols: u32, v0: u32, _p: u32 }

@group(0) @binding(0) var<storage, read_write> z: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read> state: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.rows * p.cols) { return; }
  let r = idx / p.cols;
  let c = idx % p.cols;
  let t = targets[r];
  if (t < 0) { z[idx] = 0.0; return; }
  let lse = state[r] + log(state[p.rows + r]);
  var g = exp(z[idx] - lse);
  if (i32(p.v0 + c) == t) { g -= 1.0; }
  z[idx] = scale[r] * g;
}
