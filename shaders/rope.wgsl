// Rotary position embedding, HF rotate_half convention (element i pairs with i + d/2).
// x [rows, n_heads * head_dim]; cs holds cos [rows, d/2] followed by sin [rows, d/2], computed
// on the host in f64 from the exact positions (so large positions lose no precision to f32
// sin/cos range reduction). One invocation per (row, head, i < d/2).
// Reference: src/core/ref/rope.ts.
struct Params { rows: u32, n_heads: u32, head_dim: u32, _pad: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> cs: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let half = p.head_dim / 2u;
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.rows * p.n_heads * half) { return; }
  let i = idx % half;
  let rh = idx / half;
  let h = rh % p.n_heads;
  let r = rh / p.n_heads;
  let o = r * p.n_heads * p.head_dim + h * p.head_dim;
  let c = cs[r * half + i];
  let s = cs[p.rows * half + r * half + i];
  let x1 = x[o + i];
  let x2 = x[o + i + half];
  y[o + i] = x1 * c - x2 * s;
  y[o + i + half] = x2 * c + x1 * s;
}
