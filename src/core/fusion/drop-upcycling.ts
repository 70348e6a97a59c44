/**
 * Drop-Upcycling baseline (Nakamura et al., 2025): after copying FFNs into experts, re-initialise
 * a fraction r of each expert's hidden neurons: the chosen rows of gate/up and columns of down
 * are redrawn from a normal distribution with the mean and standard deviation of the original
 * tensor. Indices are drawn per expert with a seeded RNG, so a seed reproduces the baseline.
 * Layout ([out, in]): gate, up [I, H]; down [H, I].
 */
import { InvalidArgumentError } from '../errors';
import { Rng } from '../rng';

export interface SwiGluWeights {
  gate: Float32Array;
  up: Float32Array;
  down: Float32Array;
  hidden: number;
  inter: number;
}

function stats(a: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / a.length) };
}

/** The neuron indices that Drop-Upcycling re-initialises for this seed (sorted). */
export function dropIndices(inter: number, ratio: number, seed: number): Int32Array {
  if (!(ratio >= 0 && ratio <= 1)) throw new InvalidArgumentError(`drop ratio must lie in [0, 1], got ${ratio}`);
  const k = Math.round(inter * ratio);
  const perm = new Rng(seed).permutation(inter);
  return Int32Array.from(perm.subarray(0, k)).sort();
}

/** A copy of `w` with a fraction `ratio` of its neurons re-initialised. */
export function dropUpcycle(w: SwiGluWeights, ratio: number, seed: number): SwiGluWeights {
  const { hidden: H, inter: I } = w;
  const idx = dropIndices(I, ratio, seed);
  const rng = new Rng(seed ^ 0x5bd1e995);
  const gate = w.gate.slice();
  const up = w.up.slice();
  const down = w.down.slice();
  const sg = stats(w.gate);
  const su = stats(w.up);
  const sd = stats(w.down);
  for (const j of idx) {
    for (let h = 0; h < H; h++) {
      gate[j * H + h] = sg.mean + sg.std * rng.normal();
      up[j * H + h] = su.mean + su.std * rng.normal();
      down[h * I + j] = sd.mean + sd.std * rng.normal();
    }
  }
  return { gate, up, down, hidden: H, inter: I };
}
