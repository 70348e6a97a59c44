// One vocabulary chunk of the chunked cross-entropy: logits [rows, cols] are columns
// [v0, v0 + cols) of x @ W^T. Updates per row the running max m, the rescaled sum s of
// exp(logit - m) and the target's logit t in state = [m (rows), s (rows), t (rows)], so the LM
// head never needs a [rows, vocab] buffer. One workgroup per row.
// Reference: lmHeadNll in src/core/ref/crossentropy.ts.
override WG: u32 = 64u;
//!include "lib/rowreduce.wgsl"

struct Params { rows: u32, cols: u32, v0: u32, _p: u32 }

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wg, nwg);
  if (row >= p.rows) { return; }
  let o = row * p.cols;
  var mx = -3.0e38;
  for (var c = lid; c < p.cols; c += WG) { mx = max(mx, logits[o + c]); }
  mx = wg_max(mx, lid);
  let m_old = state[row];
  let m_new = max(m_old, mx);
  var s = 0.0;
  for (var c = lid; c < p.cols; c += WG) { s += exp(logits[o + c] - m_new); }
  s = wg_sum(s, lid);
  if (lid == 0u) {
    state[p.rows + row] = state[p.rows + row] * exp(m_old - m_new) + s;
    state[row] = m_new;
    let t = targets[row];
    if (t >= i32(p.v0) && t < i32(p.v0 + p.cols)) { state[2u * p.rows + row] = logits[o + u32(t) - p.v0]; }
  }
}
