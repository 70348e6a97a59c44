// Element-wise ops over a flat f32 array. OP selects the op (codes in src/gpu/kernels/elementwise.ts):
// unary 0 silu, 1 gelu_tanh, 2 relu, 3 exp, 4 neg, 5 sigmoid, 6 affine (alpha * a + beta);
// binary 16 add, 17 sub, 18 mul, 19 div, 20 silu_mul (silu(a) * b, SwiGLU).
// `b` broadcasts over rows: b[i % nb]. Grid may be split over x and y for large n.
// Reference: src/core/ref/elementwise.ts.
//!include "lib/activations.wgsl"

struct Params { n: u32, nb: u32, alpha: f32, beta: f32 }

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

override OP: u32 = 0u;
override WG: u32 = 256u;

fn apply(x: f32, i: u32) -> f32 {
  switch OP {
    case 0u: { return silu_f(x); }
    case 1u: { return gelu_tanh_f(x); }
    case 2u: { return max(x, 0.0); }
    case 3u: { return exp(x); }
    case 4u: { return -x; }
    case 5u: { return sigmoid_f(x); }
    case 6u: { return p.alpha * x + p.beta; }
    case 16u: { return x + b[i % p.nb]; }
    case 17u: { return x - b[i % p.nb]; }
    case 18u: { return x * b[i % p.nb]; }
    case 19u: { return x / b[i % p.nb]; }
    case 20u: { return silu_f(x) * b[i % p.nb]; }
    default: { return x; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) { return; }
  y[i] = apply(a[i], i);
}
