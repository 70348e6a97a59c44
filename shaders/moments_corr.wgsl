// Correlation from accumulated moments, one row block (src/gpu/moments.ts; CPU reference:
// correlationFromMoments in src/core/stats/correlation.ts):
//   cov_ij = (P_ij - S_i S_j / T) / T,  corr_ij = clamp(cov_ij / (std_i std_j), -1, 1),
// and corr_ij = 0 when std_i or std_j is 0 (dead neurons, see shaders/moments_std.wgsl).
// P is the row block [rows, db] of the shifted cross (or self) moment, SA / SB the streams'
// (sum, diagonal) vectors, all as (total, compensation) pairs; rows are r0 .. r0 + rows - 1.
struct Params { T: f32, da: u32, db: u32, r0: u32, rows: u32, _p0: u32, _p1: u32, _p2: u32 }

@group(0) @binding(0) var<storage, read> P: array<vec2f>;
@group(0) @binding(1) var<storage, read> SA: array<vec2f>;
@group(0) @binding(2) var<storage, read> SB: array<vec2f>;
@group(0) @binding(3) var<storage, read> STDA: array<f32>;
@group(0) @binding(4) var<storage, read> STDB: array<f32>;
@group(0) @binding(5) var<storage, read_write> OUT: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let li = gid.y;
  if (j >= p.db || li >= p.rows) { return; }
  let i = p.r0 + li;
  let o = li * p.db + j;
  let si = STDA[i];
  let sj = STDB[j];
  if (si == 0.0 || sj == 0.0) {
    OUT[o] = 0.0;
    return;
  }
  let q = P[o].x - P[o].y;
  let a = SA[i].x - SA[i].y;
  let b = SB[j].x - SB[j].y;
  let cov = (q - a * b / p.T) / p.T;
  OUT[o] = clamp(cov / (si * sj), -1.0, 1.0);
}
