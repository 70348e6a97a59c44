// Causal GQA attention forward for training: like attention.wgsl (online softmax, one
// invocation per (query row, head), no [T, T] scores) over independent sequences packed in one
// batch (lib/attention_train.wgsl), and it also writes the log-sum-exp of each row's scores,
// lse [t, n_heads], which the backward (attention_grad_q.wgsl, attention_grad_kv.wgsl) uses to
// recompute the probabilities. q [t, n_heads * hd], k/v [t, n_kv * hd].
// Reference: attentionForward in src/core/grad/attention.ts.
//!include "lib/attention_train.wgsl"

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> seg: array<u32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;
@group(0) @binding(5) var<storage, read_write> lse: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.t * p.n_heads) { return; }
  let hd = p.head_dim;
  let h = idx % p.n_heads;
  let i = idx / p.n_heads;
  let kvo = (h / (p.n_heads / p.n_kv)) * hd;
  let kw = p.n_kv * hd;
  let qo = i * p.n_heads * hd + h * hd;
  var acc: array<f32, MAX_HD>;
  var m = -3.0e38;
  var l = 0.0;
  for (var j = first_key(i); j <= i; j++) {
    let ko = j * kw + kvo;
    var d = 0.0;
    for (var c = 0u; c < hd; c++) { d += q[qo + c] * k[ko + c]; }
    d *= p.scale;
    let m_new = max(m, d);
    let corr = exp(m - m_new);
    let e = exp(d - m_new);
    l = l * corr + e;
    for (var c = 0u; c < hd; c++) { acc[c] = acc[c] * corr + e * v[ko + c]; }
    m = m_new;
  }
  let inv = 1.0 / l;
  for (var c = 0u; c < hd; c++) { o[qo + c] = acc[c] * inv; }
  lse[idx] = m + log(l);
}
