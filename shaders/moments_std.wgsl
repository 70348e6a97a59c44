// Standard deviations with the dead-neuron rule, from accumulated moments (src/gpu/moments.ts;
// CPU reference: liveStd in src/core/stats/correlation.ts). SQ holds (total, compensation) pairs:
// SQ[i] = sum_t z_ti, SQ[d + i] = sum_t z_ti^2 (z = x - shift). Then
//   var_i = max(0, (Q_i - S_i^2 / T) / T),  std_i = sqrt(var_i),
// and std_i = 0 (dead) when std_i == 0 or std_i <= dead_rel * max_k std_k.
// One workgroup per stream; the maximum is a workgroup reduction.
struct Params { T: f32, d: u32, dead_rel: f32, _p: u32 }

@group(0) @binding(0) var<storage, read> SQ: array<vec2f>;
@group(0) @binding(1) var<storage, read_write> STD: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

override WG: u32 = 256u;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let d = p.d;
  var m = 0.0;
  for (var i = lid; i < d; i += WG) {
    let s = SQ[i].x - SQ[i].y;
    let q = SQ[d + i].x - SQ[d + i].y;
    let sd = sqrt(max(0.0, (q - s * s / p.T) / p.T));
    STD[i] = sd;
    m = max(m, sd);
  }
  red[lid] = m;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h = h / 2u) {
    if (lid < h) { red[lid] = max(red[lid], red[lid + h]); }
    workgroupBarrier();
  }
  let limit = p.dead_rel * red[0];
  for (var i = lid; i < d; i += WG) {
    let sd = STD[i];
    if (sd == 0.0 || sd <= limit) { STD[i] = 0.0; }
  }
}
