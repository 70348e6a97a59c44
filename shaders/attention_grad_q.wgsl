// Causal GQA attention backward, query side (FlashAttention style): one invocation per
// (query row i, head h) recomputes P_ij = exp(scale q_i . k_j - L_i) over its visible keys and
//   dq_i = scale sum_j P_ij (dO_i . v_j - D_i) k_j,   D_i = dO_i . O_i
// ld holds L [t, n_heads] followed by D [t, n_heads]. Keys' gradients: attention_grad_kv.wgsl.
// Reference: attentionBackward in src/core/grad/attention.ts.
//!include "lib/attention_train.wgsl"

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> seg: array<u32>;
@group(0) @binding(4) var<storage, read> ld: array<f32>;
@group(0) @binding(5) var<storage, read> dout: array<f32>;
@group(0) @binding(6) var<storage, read_write> dq: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let nq = p.t * p.n_heads;
  if (idx >= nq) { return; }
  let hd = p.head_dim;
  let h = idx % p.n_heads;
  let i = idx / p.n_heads;
  let kvo = (h / (p.n_heads / p.n_kv)) * hd;
  let kw = p.n_kv * hd;
  let qo = i * p.n_heads * hd + h * hd;
  let L = ld[idx];
  let D = ld[nq + idx];
  var acc: array<f32, MAX_HD>;
  for (var j = first_key(i); j <= i; j++) {
    let ko = j * kw + kvo;
    var s = 0.0;
    var dp = 0.0;
    for (var c = 0u; c < hd; c++) {
      s += q[qo + c] * k[ko + c];
      dp += dout[qo + c] * v[ko + c];
    }
    let ds = exp(s * p.scale - L) * (dp - D) * p.scale;
    for (var c = 0u; c < hd; c++) { acc[c] += ds * k[ko + c]; }
  }
  for (var c = 0u; c < hd; c++) { dq[qo + c] = acc[c]; }
}
