// Causal GQA attention backward, key side: one invocation per (key row j, kv head g) walks the
// queries that see key j (lib/attention_train.wgsl) in every query head of its group and accumulates
//   dv_j = sum_(i, h) P_ij dO_i,   dk_j = scale sum_(i, h) P_ij (dO_i . v_j - D_i) q_i
// without write races (each invocation owns its rows of dk and dv). ld: L then D, [t, n_heads]
// each, as in attention_grad_q.wgsl. Reference: attentionBackward in src/core/grad/attention.ts.
//!include "lib/attention_train.wgsl"

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> seg: array<u32>;
@group(0) @binding(4) var<storage, read> ld: array<f32>;
@group(0) @binding(5) var<storage, read> dout: array<f32>;
@group(0) @binding(6) var<storage, read_write> dk: array<f32>;
@group(0) @binding(7) var<storage, read_write> dv: array<f32>;
@group(0) @binding(8) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.t * p.n_kv) { return; }
  let hd = p.head_dim;
  let g = idx % p.n_kv;
  let j = idx / p.n_kv;
  let group = p.n_heads / p.n_kv;
  let kw = p.n_kv * hd;
  let ko = j * kw + g * hd;
  let nq = p.t * p.n_heads;
  var ak: array<f32, MAX_HD>;
  var av: array<f32, MAX_HD>;
  let hi = last_query(j);
  for (var h = g * group; h < (g + 1u) * group; h++) {
    for (var i = j; i <= hi; i++) {
      let qo = i * p.n_heads * hd + h * hd;
      let r = i * p.n_heads + h;
      var s = 0.0;
      var dp = 0.0;
      for (var c = 0u; c < hd; c++) {
        s += q[qo + c] * k[ko + c];
        dp += dout[qo + c] * v[ko + c];
      }
      let pr = exp(s * p.scale - ld[r]);
      let ds = pr * (dp - ld[nq + r]) * p.scale;
      for (var c = 0u; c < hd; c++) {
        av[c] += pr * dout[qo + c];
        ak[c] += ds * q[qo + c];
      }
    }
  }
  for (var c = 0u; c < hd; c++) {
    dk[ko + c] = ak[c];
    dv[ko + c] = av[c];
  }
}
