// Dense certificate filter of the hybrid assignment solver (src/core/assign/certificate.ts).
// For every row i of a row tile of the score matrix C, with prices p (f64 on the CPU, passed as
// f32 hi + lo pairs) and the assignment sigma:
//   gap_i = max_{j != sigma(i)} (C_ij - p_j) - (C_i,sigma(i) - p_sigma(i)),  col_i = its argmax
// gap_i < 0 means the matched column beats every other one. f32 arithmetic cannot decide the
// certificate's 1e-11 tolerance, so this pass is a filter: the host accepts a row when
// gap_i < -margin_i (margin_i >> the f32 error, bounded through amax_i = max_j |C_ij|, also
// written here) and re-checks the others exactly in f64 on the CPU.
// One workgroup per row; no barrier depends on data. Reference: certifyFilterRef in
// src/core/assign/certificate.ts.
override WG: u32 = 64u;

struct Params { n: u32, row0: u32, rows: u32, _pad: u32 }

@group(0) @binding(0) var<storage, read> C: array<f32>;
@group(0) @binding(1) var<storage, read> prices: array<vec2f>;
@group(0) @binding(2) var<storage, read> row_to_col: array<u32>;
@group(0) @binding(3) var<storage, read_write> out_gap: array<f32>;
@group(0) @binding(4) var<storage, read_write> out_col: array<u32>;
@group(0) @binding(5) var<storage, read_write> out_amax: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

var<workgroup> best_v: array<f32, WG>;
var<workgroup> best_j: array<u32, WG>;
var<workgroup> amax: array<f32, WG>;

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
    let c = C[base + j];
    am = max(am, abs(c));
    if (j == s) { continue; }
    let pj = prices[j];
    let x = (c - pj.x) - pj.y;
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
  if (lid == 0u) {
    let ps = prices[s];
    let own = (C[base + s] - ps.x) - ps.y;
    out_gap[row] = best_v[0] - own;
    out_col[row] = best_j[0];
    out_amax[row] = amax[0];
  }
}
