/**
 * Applying a neuron permutation to one SwiGLU FFN ([out, in] layout): new neuron j = old
 * neuron sigma(j), so gate/up rows are gathered by sigma and down's columns likewise
 * (METHOD.md section 2). The FFN computes the same function afterwards.
 */
import { InvalidArgumentError } from '../core/errors';
import type { HostTensor } from '../model/weights';

export interface HostFfn {
  gate: HostTensor;
  up: HostTensor;
  down: HostTensor;
}

export function permuteFfn(f: HostFfn, sigma: Int32Array): HostFfn {
  const [I, H] = f.gate.shape;
  if (sigma.length !== I) throw new InvalidArgumentError(`permutation of length ${sigma.length} for an FFN of width ${I}`);
  const rows = (t: HostTensor): HostTensor => {
    const out = new Float32Array(t.data.length);
    for (let j = 0; j < I; j++) out.set(t.data.subarray(sigma[j] * H, (sigma[j] + 1) * H), j * H);
    return { data: out, shape: [...t.shape] };
  };
  const out = new Float32Array(f.down.data.length);
  for (let h = 0; h < H; h++) {
    const o = h * I;
    for (let j = 0; j < I; j++) out[o + j] = f.down.data[o + sigma[j]];
  }
  return { gate: rows(f.gate), up: rows(f.up), down: { data: out, shape: [...f.down.shape] } };
}
