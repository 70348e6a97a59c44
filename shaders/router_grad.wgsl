// MoE router backward (HF Qwen2-MoE / Mixtral routing), one invocation per token: recompute
// p = softmax(logits) over the E experts and the top-k (descending, ties to the lower id), then
//   renormalised (w_j = p_j / S, S = sum of the kept p): dp_j = (dw_j - sum_k dw_k w_k) / S
//   else (w_j = p_j):                                     dp_j = dw_j         (kept j only)
//   dp += dprobs (flags bit 1; e.g. load balancing);  dl_e = p_e (dp_e - sum_j p_j dp_j)
//   dl += dlogits (flags bit 2; e.g. router z-loss)
// so gradients reach the router only through the kept probabilities plus the auxiliary terms.
// flags bit 0: renormalise. dw [t, k] in slot order; dprobs, dlogits, out [t, E]. E <= 256.
// Reference: routeBackward in src/core/grad/router.ts.
struct Params { t: u32, e: u32, k: u32, flags: u32 }

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> dw: array<f32>;
@group(0) @binding(2) var<storage, read> dprobs: array<f32>;
@group(0) @binding(3) var<storage, read> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

override WG: u32 = 64u;
const MAX_E: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * WG;
  if (t >= p.t) { return; }
  let E = p.e;
  let o = t * E;
  var pr: array<f32, MAX_E>;
  var dp: array<f32, MAX_E>;
  var taken: array<bool, MAX_E>;
  var slot: array<u32, MAX_E>;
  var mx = -3.0e38;
  for (var e = 0u; e < E; e++) { mx = max(mx, logits[o + e]); }
  var z = 0.0;
  for (var e = 0u; e < E; e++) {
    pr[e] = exp(logits[o + e] - mx);
    z += pr[e];
  }
  let has_dp = (p.flags & 2u) != 0u;
  for (var e = 0u; e < E; e++) {
    pr[e] = pr[e] / z;
    dp[e] = 0.0;
    if (has_dp) { dp[e] = dprobs[o + e]; }
  }
  // The kept experts in slot order and the sum S of their probabilities.
  var sum_kept = 0.0;
  for (var s = 0u; s < p.k; s++) {
    var best = 0u;
    var found = false;
    for (var e = 0u; e < E; e++) {
      if (!taken[e] && (!found || pr[e] > pr[best])) { best = e; found = true; }
    }
    taken[best] = true;
    slot[s] = best;
    sum_kept += pr[best];
  }
  let renorm = (p.flags & 1u) != 0u;
  var dot = 0.0;
  if (renorm) {
    for (var s = 0u; s < p.k; s++) { dot += dw[t * p.k + s] * pr[slot[s]] / sum_kept; }
  }
  for (var s = 0u; s < p.k; s++) {
    let g = dw[t * p.k + s];
    if (renorm) { dp[slot[s]] += (g - dot) / sum_kept; } else { dp[slot[s]] += g; }
  }
  var pdp = 0.0;
  for (var e = 0u; e < E; e++) { pdp += pr[e] * dp[e]; }
  let has_dl = (p.flags & 4u) != 0u;
  for (var e = 0u; e < E; e++) {
    var extra = 0.0;
    if (has_dl) { extra = dlogits[o + e]; }
    out[o + e] = pr[e] * (dp[e] - pdp) + extra;
  }
}
