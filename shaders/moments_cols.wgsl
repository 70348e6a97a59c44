// Shift and column statistics of activation chunks (src/gpu/moments.ts; CPU reference:
// MomentAccumulator in src/core/stats/moments.ts). A chunk X is [T, d] row-major f32.
//   shift     C_i = (1/T) sum_t x_ti (the first chunk's mean), and resets ACC to zero
//   colstats  ACC[i] += sum_t z_ti, ACC[d + i] += sum_t z_ti^2, z = x - C
// ACC holds (total, compensation) pairs updated with Kahan's step (see shaders/moments.wgsl for
// the precision argument); in-chunk sums are two-level over blocks of TB tokens.
struct Params { T: u32, d: u32, _p0: u32, _p1: u32 }

@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> C: array<f32>;
@group(0) @binding(2) var<storage, read_write> ACC: array<vec2f>;
@group(0) @binding(3) var<uniform> p: Params;

override WG: u32 = 64u;
override TB: u32 = 64u;

fn kahan(acc: vec2f, x: f32) -> vec2f {
  let y = x - acc.y;
  let t = acc.x + y;
  return vec2f(t, (t - acc.x) - y);
}

@compute @workgroup_size(WG)
fn shift(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= p.d) { return; }
  var outer = 0.0;
  var t = 0u;
  loop {
    if (t >= p.T) { break; }
    let end = min(p.T, t + TB);
    var inner = 0.0;
    for (; t < end; t++) { inner += X[t * p.d + i]; }
    outer += inner;
  }
  C[i] = outer / f32(p.T);
  ACC[i] = vec2f(0.0);
  ACC[p.d + i] = vec2f(0.0);
}

@compute @workgroup_size(WG)
fn colstats(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= p.d) { return; }
  let c = C[i];
  var s_out = 0.0;
  var q_out = 0.0;
  var t = 0u;
  loop {
    if (t >= p.T) { break; }
    let end = min(p.T, t + TB);
    var s_in = 0.0;
    var q_in = 0.0;
    for (; t < end; t++) {
      let z = X[t * p.d + i] - c;
      s_in += z;
      q_in += z * z;
    }
    s_out += s_in;
    q_out += q_in;
  }
  ACC[i] = kahan(ACC[i], s_out);
  ACC[p.d + i] = kahan(ACC[p.d + i], q_out);
}
