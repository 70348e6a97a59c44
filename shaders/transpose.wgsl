// y = x^T for x [rows, cols] -> y [cols, rows]: turns dW = dY^T X into a plain matmul of the
// existing variants. One invocation per output element (writes are contiguous).
// Reference: src/core/grad/linear.ts (linearBackwardWeight).
struct Params { rows: u32, cols: u32, _a: u32, _b: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.rows * p.cols) { return; }
  let c = idx / p.rows;
  let r = idx % p.rows;
  y[idx] = x[r * p.cols + c];
}
