// Causal grouped-query attention with an online softmax: one invocation per (query row, head)
// streams over its visible keys keeping a running max m, normaliser l and weighted sum acc
// (rescaled by exp(m_old - m_new) when the max grows), so no [Tq, Tk] score buffer exists and
// large scores cannot overflow. No workgroup memory or barriers (see matmul.wgsl for why).
// q [tq, n_heads * hd], k/v [tk, n_kv * hd]; query i is at key position q_offset + i and sees
// keys j <= q_offset + i (and q_offset + i - j < window when window > 0).
// Reference: src/core/ref/attention.ts.
struct Params {
  tq: u32, tk: u32, n_heads: u32, n_kv: u32,
  head_dim: u32, q_offset: u32, window: u32, scale: f32,
}

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG: u32 = 64u;
const MAX_HD: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.tq * p.n_heads) { return; }
  let hd = p.head_dim;
  let h = idx % p.n_heads;
  let i = idx / p.n_heads;
  let kvo = (h / (p.n_heads / p.n_kv)) * hd;
  let kw = p.n_kv * hd;
  let qo = i * p.n_heads * hd + h * hd;
  let pos = p.q_offset + i;
  let hi = min(pos, p.tk - 1u);
  var lo = 0u;
  if (p.window > 0u && pos + 1u > p.window) { lo = pos + 1u - p.window; }
  var acc: array<f32, MAX_HD>;
  var m = -3.0e38;
  var l = 0.0;
  for (var j = lo; j <= hi; j++) {
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
  let inv = select(0.0, 1.0 / l, l > 0.0);
  for (var c = 0u; c < hd; c++) { o[qo + c] = acc[c] * inv; }
}
