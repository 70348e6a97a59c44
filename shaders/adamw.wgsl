// AdamW update in place (torch.optim.AdamW), one invocation per element; g is scaled first by
// the global clip factor. bc1 = 1 - beta1^t and bc2 = 1 - beta2^t come from the host (f64):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p = p (1 - lr wd) - lr (m / bc1) / (sqrt(v / bc2) + eps)
// Reference: adamwUpdate in src/core/train/optim.ts.
struct Params {
  n: u32, beta1: f32, beta2: f32, eps: f32,
  lr: f32, decay: f32, bc1: f32, bc2: f32,
  grad_scale: f32, _a: u32, _b: u32, _c: u32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  let g = grad[i] * p.grad_scale;
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] * p.decay - p.lr * (mi / p.bc1) / (sqrt(vi / p.bc2) + p.eps);
}
