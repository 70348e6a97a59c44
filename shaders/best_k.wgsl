// Best-k candidates per row and per column of a score matrix, one row block per dispatch
// (src/gpu/kernels/bestK.ts; CPU reference: bestK in src/core/assign/candidates.ts, same rule:
// a list starts with the first k entries in order, and an entry replaces the list's first
// minimum only when strictly larger, so equal inputs give the same lists as the CPU).
// Lists live in private arrays of KMAX entries (k <= 16).
// Invocation g < rows scans row r0 + g of the block (n columns); invocation rows + j scans
// column j over the block's rows and merges into the column list kept across blocks.
// C: row block [rows, n]; ROWIDX [R, k]; ROWVAL [R, 2] = (k-th largest, largest) per row;
// COLIDX / COLVAL [n, k]: the running column lists, kept across the blocks of one matrix.
struct Params { n: u32, k: u32, r0: u32, rows: u32 }

@group(0) @binding(0) var<storage, read> C: array<f32>;
@group(0) @binding(1) var<storage, read_write> ROWIDX: array<u32>;
@group(0) @binding(2) var<storage, read_write> ROWVAL: array<f32>;
@group(0) @binding(3) var<storage, read_write> COLIDX: array<u32>;
@group(0) @binding(4) var<storage, read_write> COLVAL: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

override WG: u32 = 64u;
const KMAX = 16u;

fn list_min(vals: ptr<function, array<f32, KMAX>>, k: u32) -> vec2f {
  var m = (*vals)[0];
  var at = 0u;
  for (var t = 1u; t < k; t++) { if ((*vals)[t] < m) { m = (*vals)[t]; at = t; } }
  return vec2f(m, f32(at));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let g = gid.x;
  let n = p.n;
  let k = p.k;
  var vals: array<f32, KMAX>;
  var idx: array<u32, KMAX>;
  if (g < p.rows) {
    let base = g * n;
    for (var t = 0u; t < k; t++) { vals[t] = C[base + t]; idx[t] = t; }
    var mm = list_min(&vals, k);
    for (var j = k; j < n; j++) {
      let x = C[base + j];
      if (x > mm.x) {
        let at = u32(mm.y);
        vals[at] = x;
        idx[at] = j;
        mm = list_min(&vals, k);
      }
    }
    var vmax = vals[0];
    for (var t = 1u; t < k; t++) { vmax = max(vmax, vals[t]); }
    let row = p.r0 + g;
    for (var t = 0u; t < k; t++) { ROWIDX[row * k + t] = idx[t]; }
    ROWVAL[2u * row] = mm.x;
    ROWVAL[2u * row + 1u] = vmax;
    return;
  }
  let j = g - p.rows;
  if (j >= n) { return; }
  let o = j * k;
  // Global row r < k fills slot r (blocks come in row order), as the CPU's first k rows do.
  for (var t = 0u; t < k; t++) { vals[t] = COLVAL[o + t]; idx[t] = COLIDX[o + t]; }
  var mm = list_min(&vals, k);
  for (var li = 0u; li < p.rows; li++) {
    let r = p.r0 + li;
    let x = C[li * n + j];
    if (r < k) {
      vals[r] = x;
      idx[r] = r;
      if (r == k - 1u) { mm = list_min(&vals, k); }
    } else if (x > mm.x) {
      let at = u32(mm.y);
      vals[at] = x;
      idx[at] = r;
      mm = list_min(&vals, k);
    }
  }
  for (var t = 0u; t < k; t++) { COLVAL[o + t] = vals[t]; COLIDX[o + t] = idx[t]; }
}
