/**
 * Applying a neuron permutation to one SwiGLU FFN held as engine host tensors ([out, in]
 * layout): new neuron j = old neuron sigma(j) (METHOD.md section 2), through the generic axis
 * permutation of core/permute. The FFN computes the same function afterwards.
 */
import { permuteSwiGlu } from '../core/permute/apply';
import type { HostTensor } from '../model/weights';

export interface HostFfn {
  gate: HostTensor;
  up: HostTensor;
  down: HostTensor;
}

export function permuteFfn(f: HostFfn, sigma: Int32Array): HostFfn {
  const [I, H] = f.gate.shape;
  const p = permuteSwiGlu({ hidden: H, inter: I, gate: f.gate.data, up: f.up.data, down: f.down.data }, sigma);
  return {
    gate: { data: p.gate, shape: [...f.gate.shape] },
    up: { data: p.up, shape: [...f.up.shape] },
    down: { data: p.down, shape: [...f.down.shape] },
  };
}
