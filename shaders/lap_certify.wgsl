// Dense certificate filter of the hybrid assignment solver (src/core/assign/certificate.ts).
// For every row i of a row tile of the score matrix C, with prices p (f64 on the CPU, passed as
// f32 hi + lo pairs) and the assignment sigma, x_ij = C_ij - p_j in f32:
//   gap_i = max_{j != sigma(i)} x_ij - x_i,sigma(i),  col_i = its argmax,  amax_i = max_j |C_ij|
// gap_i < 0 means the matched column beats every other one. f32 arithmetic cannot decide the
// certificate's 1e-11 tolerance, so this pass is a filter. margin_i = rel (amax_i + pmax) bounds
// the f32 error of gap_i (filterMargins in certificate.ts). A row with gap_i < -margin_i is
// settled (its exact gap is < 0); the others are flagged, and for them a second sweep lists the
// "near" columns j != sigma(i) with x_ij >= x_i,sigma(i) - margin_i (up to KN of them; count is
// the total): every other column is exactly below the matched one, so the host re-checks only
// the near columns in f64 (or the whole row when count > KN).
// Output per row (u32 words): (bits of gap, col, bits of amax, count), count = 0xffffffff if settled.
// One workgroup per row; barriers depend only on workgroup-uniform values. Reference:
// certifyFilterRef in src/core/assign/certificate.ts.
override WG: u32 = 64u;
const SETTLED = 0xffffffffu;

struct Params { n: u32, row0: u32, rows: u32, kn: u32, pmax: f32, rel: f32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> C: array<f32>;
@group(0) @binding(1) var<storage, read> prices: array<vec2f>;
@group(0) @binding(2) var<storage, read> row_to_col: array<u32>;
@group(0) @binding(3) var<storage, read_write> out_row: array<vec4u>;
@group(0) @binding(4) var<storage, read_write> out_near: array<u32>;
@group(0) @binding(5) var<uniform> p: Params;

var<workgroup> best_v: array<f32, WG>;
var<workgroup> best_j: array<u32, WG>;
var<workgroup> amax: array<f32, WG>;
var<workgroup> near_count: atomic<u32>;

fn reduced(base: u32, j: u32) -> f32 {
  let pj = prices[j];
  return (C[base + j] - pj.x) - pj.y;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let local_row = wg.x + wg.y * nwg.x;
  if (local_row >= p.rows) { return; }
  let row = p.row0 + local_row;
  let n = p.n;
  let base = local_row * n;
  let s = row_to_col[row];
  var bv = -3.402823e38;
  var bj = 0xffffffffu;
  var am = 0.0;
  for (var j = lid; j < n; j += WG) {
    am = max(am, abs(C[base + j]));
    if (j == s) { continue; }
    let x = reduced(base, j);
    if (x > bv) { bv = x; bj = j; }
  }
  best_v[lid] = bv;
  best_j[lid] = bj;
  amax[lid] = am;
  workgroupBarrier();
  var h = WG / 2u;
  loop {
    if (h == 0u) { break; }
    if (lid < h) {
      let ov = best_v[lid + h];
      let oj = best_j[lid + h];
      // Ties go to the lower column so that the result does not depend on WG.
      if (ov > best_v[lid] || (ov == best_v[lid] && oj < best_j[lid])) {
        best_v[lid] = ov;
        best_j[lid] = oj;
      }
      amax[lid] = max(amax[lid], amax[lid + h]);
    }
    workgroupBarrier();
    h = h / 2u;
  }
  let own = reduced(base, s);
  let gap = best_v[0] - own;
  let margin = p.rel * (amax[0] + p.pmax) + 1e-30;
  // Workgroup-uniform: every invocation reads the same reduced values.
  let flagged = !(gap < -margin) || !(amax[0] <= 3.4028234e38);
  if (flagged) {
    let thr = own - margin;
    for (var j = lid; j < n; j += WG) {
      if (j == s) { continue; }
      if (reduced(base, j) >= thr) {
        let t = atomicAdd(&near_count, 1u);
        if (t < p.kn) { out_near[row * p.kn + t] = j; }
      }
    }
  }
  workgroupBarrier();
  if (lid == 0u) {
    let count = select(SETTLED, atomicLoad(&near_count), flagged);
    out_row[row] = vec4u(bitcast<u32>(gap), best_j[0], bitcast<u32>(amax[0]), count);
  }
}
