// Bindings, parameters and epilogue helpers shared by the matmul kernels (shaders/matmul.wgsl,
// shaders/matmul_sg.wgsl, shaders/matvec.wgsl; host side: src/gpu/kernels/matmul.ts).
// has_bias: 0 none, 1 bias[N] per column, 2 the bias binding holds a residual shaped like C,
// added element-wise (y = x W^T + r: a decoder layer's residual add fused into its projection).
// alpha scales the product before the bias / residual: C = alpha * A op(B) + bias or R (1 for a
// plain product; a routing weight when an expert's down projection adds onto the residual).
struct Params {
  M: u32, N: u32, K: u32, has_bias: u32,
  stride_a: u32, stride_b: u32, stride_c: u32, alpha: f32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

const LANE4 = vec4u(0u, 1u, 2u, 3u);

fn bias4(c: vec4u) -> vec4f {
  if (p.has_bias != 1u) { return vec4f(0.0); }
  return vec4f(bias[c.x], bias[c.y], bias[c.z], bias[c.w]);
}

fn resid(i: u32) -> f32 {
  if (p.has_bias == 2u) { return bias[i]; }
  return 0.0;
}
