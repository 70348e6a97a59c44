// Shared by the training attention kernels (attention_train, attention_grad_q, _kv): their
// parameters, and causal masking over independent sequences packed in one batch. seg holds, per
// row, the first row of its sequence (seg[i]) and one past its last (seg[t + i]). Key j is
// visible from query i when both lie in one sequence, j <= i and, with a sliding window w > 0,
// i - j < w. The including shader declares the storage buffer `seg` and `p: Params`.
struct Params {
  t: u32, n_heads: u32, n_kv: u32, head_dim: u32,
  window: u32, scale: f32, _a: u32, _b: u32,
}

override WG: u32 = 64u;
const MAX_HD: u32 = 256u;

// First key visible from query i.
fn first_key(i: u32) -> u32 {
  var lo = seg[i];
  if (p.window > 0u && i + 1u > lo + p.window) { lo = i + 1u - p.window; }
  return lo;
}

// Last query that sees key j.
fn last_query(j: u32) -> u32 {
  var hi = seg[p.t + j] - 1u;
  if (p.window > 0u) { hi = min(hi, j + p.window - 1u); }
  return hi;
}
