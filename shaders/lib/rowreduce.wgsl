// Workgroup-wide reductions for one-row-per-workgroup kernels. The including shader declares
// `override WG: u32` (a power of two) before this file is included.
var<workgroup> red_scratch: array<f32, WG>;

fn wg_sum(v: f32, lid: u32) -> f32 {
  red_scratch[lid] = v;
  workgroupBarrier();
  var s = WG / 2u;
  loop {
    if (s == 0u) { break; }
    if (lid < s) { red_scratch[lid] = red_scratch[lid] + red_scratch[lid + s]; }
    workgroupBarrier();
    s = s / 2u;
  }
  let r = red_scratch[0];
  workgroupBarrier();
  return r;
}

fn wg_max(v: f32, lid: u32) -> f32 {
  red_scratch[lid] = v;
  workgroupBarrier();
  var s = WG / 2u;
  loop {
    if (s == 0u) { break; }
    if (lid < s) { red_scratch[lid] = max(red_scratch[lid], red_scratch[lid + s]); }
    workgroupBarrier();
    s = s / 2u;
  }
  let r = red_scratch[0];
  workgroupBarrier();
  return r;
}

// Row index for a grid that may be split over x and y (see grid2d in src/gpu/context.ts).
fn row_index(wg: vec3u, nwg: vec3u) -> u32 {
  return wg.x + wg.y * nwg.x;
}
