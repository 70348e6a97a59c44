// Cross / self second moments of activation chunks (src/gpu/moments.ts; CPU reference:
// MomentAccumulator in src/core/stats/moments.ts). Chunks XA [T, da], XB [T, db] row-major f32,
// shifts CA, CB (each stream's first-chunk mean), za = xa - ca, zb = xb - cb:
//   P_ij += sum_t za_ti zb_tj  for output rows r0 .. r0 + rows - 1 (one row block of Za^T Zb).
// The running total is vec2f (total, compensation): each chunk's f32 sum is added with Kahan's
// compensated step, so the host value total - compensation keeps about twice the f32 precision.
// Within a chunk the sum is two-level (blocks of TB tokens summed into a partial, partials
// summed), which bounds the in-chunk rounding by about (TB + T / TB) ulp instead of T ulp. The shifted values are exact
// when x and c are within a factor 2 of each other (Sterbenz), the case of large offsets.
// 4 x 4 outputs per invocation; no workgroup memory, no barriers. Shift and column sums:
// shaders/moments_cols.wgsl.
struct Params { T: u32, da: u32, db: u32, r0: u32, rows: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> XA: array<f32>;
@group(0) @binding(1) var<storage, read> XB: array<f32>;
@group(0) @binding(2) var<storage, read> CA: array<f32>;
@group(0) @binding(3) var<storage, read> CB: array<f32>;
@group(0) @binding(4) var<storage, read_write> ACC: array<vec2f>;
@group(0) @binding(5) var<uniform> p: Params;

override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
// Tokens per first-level block of the two-level sums.
override TB: u32 = 64u;

const LANE4 = vec4u(0u, 1u, 2u, 3u);

// Kahan step: acc = (total, comp) with true value total - comp; returns acc + x.
fn kahan(acc: vec2f, x: f32) -> vec2f {
  let y = x - acc.y;
  let t = acc.x + y;
  return vec2f(t, (t - acc.x) - y);
}

fn outer4(a: vec4f, b: vec4f) -> mat4x4f {
  return mat4x4f(a.x * b, a.y * b, a.z * b, a.w * b);
}

// product: 4 x 4 outputs per invocation; rows r0 + 4 gid.y .. (columns of XA), cols 4 gid.x ..
// (columns of XB). ACC holds the row block [rows, db].
@compute @workgroup_size(WG_X, WG_Y, 1)
fn product(@builtin(global_invocation_id) gid: vec3u) {
  let li0 = gid.y * 4u;
  let j0 = gid.x * 4u;
  if (li0 >= p.rows || j0 >= p.db) { return; }
  let da = p.da;
  let db = p.db;
  // Clamped column indices: out-of-range lanes compute duplicates that are never stored.
  let ia = min(vec4u(p.r0 + li0) + LANE4, vec4u(da - 1u));
  let jb = min(vec4u(j0) + LANE4, vec4u(db - 1u));
  let ca = vec4f(CA[ia.x], CA[ia.y], CA[ia.z], CA[ia.w]);
  let cb = vec4f(CB[jb.x], CB[jb.y], CB[jb.z], CB[jb.w]);
  var outer = mat4x4f();
  var t = 0u;
  loop {
    if (t >= p.T) { break; }
    let end = min(p.T, t + TB);
    var inner = mat4x4f();
    for (; t < end; t++) {
      let oa = t * da;
      let ob = t * db;
      let a = vec4f(XA[oa + ia.x], XA[oa + ia.y], XA[oa + ia.z], XA[oa + ia.w]) - ca;
      let b = vec4f(XB[ob + jb.x], XB[ob + jb.y], XB[ob + jb.z], XB[ob + jb.w]) - cb;
      inner += outer4(a, b);
    }
    outer += inner;
  }
  for (var r = 0u; r < 4u; r++) {
    let li = li0 + r;
    if (li >= p.rows) { return; }
    let o = li * db;
    for (var q = 0u; q < 4u; q++) {
      let j = j0 + q;
      if (j < db) { ACC[o + j] = kahan(ACC[o + j], outer[r][q]); }
    }
  }
}
