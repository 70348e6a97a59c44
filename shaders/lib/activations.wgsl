// Shared activation functions. Definitions match src/core/ref/elementwise.ts.
fn sigmoid_f(x: f32) -> f32 {
  // Written to stay finite for large |x| (exp of a large positive overflows to inf, 1/inf = 0).
  return 1.0 / (1.0 + exp(-x));
}

fn silu_f(x: f32) -> f32 {
  return x * sigmoid_f(x);
}

fn gelu_tanh_f(x: f32) -> f32 {
  let c = 0.7978845608028654; // sqrt(2 / pi)
  let u = clamp(c * (x + 0.044715 * x * x * x), -15.0, 15.0);
  return 0.5 * x * (1.0 + tanh(u));
}
