/**
 * A small f64-accumulating SwiGLU FFN forward used by the function-preservation check and the
 * alignment tests (the engine's own reference lives in src/core/ref). Returns the output
 * [T, hidden] and, on request, the hidden activations h = silu(gate x) * up x [T, inter] that
 * the alignment correlates (METHOD.md: the input of down_proj).
 */
import { Rng } from '../rng';
import { permuteSwiGlu, type FfnAxis, type SwiGluFfn } from './apply';

export function swigluForward(f: SwiGluFfn, x: Float32Array, T: number): { y: Float32Array; h: Float32Array } {
  const { hidden: H, inter: I } = f;
  const h = new Float32Array(T * I);
  const y = new Float32Array(T * H);
  for (let t = 0; t < T; t++) {
    const xo = t * H;
    for (let i = 0; i < I; i++) {
      let g = f.gateBias ? f.gateBias[i] : 0;
      let u = f.upBias ? f.upBias[i] : 0;
      const wo = i * H;
      for (let k = 0; k < H; k++) {
        g += f.gate[wo + k] * x[xo + k];
        u += f.up[wo + k] * x[xo + k];
      }
      h[t * I + i] = (g / (1 + Math.exp(-g))) * u;
    }
    for (let o = 0; o < H; o++) {
      let s = f.downBias ? f.downBias[o] : 0;
      const wo = o * I;
      for (let i = 0; i < I; i++) s += f.down[wo + i] * h[t * I + i];
      y[xo + o] = s;
    }
  }
  return { y, h };
}

export interface PreservationReport {
  /** max |FFN(x) - permuted FFN(x)| over the random inputs. */
  maxAbsDelta: number;
  /** max |FFN(x)|, for scale. */
  maxAbsOutput: number;
  tokens: number;
}

/** Function-preservation check: an FFN permuted along the spec's axes (ffnAxes) must compute the same function. */
export function functionPreservation(f: SwiGluFfn, perm: Int32Array, axes: readonly FfnAxis[], tokens = 16, seed = 1): PreservationReport {
  const x = new Rng(seed).normalArray(tokens * f.hidden);
  const a = swigluForward(f, x, tokens).y;
  const b = swigluForward(permuteSwiGlu(f, perm, axes), x, tokens).y;
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(a[i]));
  }
  return { maxAbsDelta: d, maxAbsOutput: m, tokens };
}
