/**
 * f64 CPU references for SwiGLU's element-wise core and Qwen2-MoE's sigmoid row gate, with their
 * backward rules:
 *   h = silu(g) * u:   dg = dh * u * silu'(g),  du = dh * silu(g),
 *                      silu'(g) = sig(g) * (1 + g * (1 - sig(g)))
 *   y[r] = x[r] * sig(s[r]) (s [rows, 1]):  dx = dy * sig(s),  ds[r] = sig'(s[r]) * (dy[r] . x[r])
 */

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

export function siluMulForward(g: Float64Array, u: Float64Array): Float64Array {
  const h = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) h[i] = g[i] * sig(g[i]) * u[i];
  return h;
}

export function siluMulBackward(dh: Float64Array, g: Float64Array, u: Float64Array): { dg: Float64Array; du: Float64Array } {
  const dg = new Float64Array(g.length);
  const du = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) {
    const s = sig(g[i]);
    du[i] = dh[i] * g[i] * s;
    dg[i] = dh[i] * u[i] * s * (1 + g[i] * (1 - s));
  }
  return { dg, du };
}

export function mulSigmoidRowsForward(x: Float64Array, s: Float64Array, cols: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < s.length; r++) {
    const g = sig(s[r]);
    for (let c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] * g;
  }
  return y;
}

export function mulSigmoidRowsBackward(
  dy: Float64Array, x: Float64Array, s: Float64Array, cols: number,
): { dx: Float64Array; ds: Float64Array } {
  const dx = new Float64Array(x.length);
  const ds = new Float64Array(s.length);
  for (let r = 0; r < s.length; r++) {
    const g = sig(s[r]);
    let dot = 0;
    for (let c = 0; c < cols; c++) {
      dx[r * cols + c] = dy[r * cols + c] * g;
      dot += dy[r * cols + c] * x[r * cols + c];
    }
    ds[r] = dot * g * (1 - g);
  }
  return { dx, ds };
}
