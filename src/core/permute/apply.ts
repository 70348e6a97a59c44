/**
 * Applying a neuron permutation to weights (METHOD.md section 2, step 3). Generic over
 * {tensor, axis} bindings so that an architecture spec can say which axis of which tensor lives
 * in the FFN-hidden space; for a SwiGLU FFN in HF [out, in] layout those are the rows of
 * gate_proj and up_proj (and their biases) and the columns of down_proj. down_proj's bias lives
 * in the model (residual) space and is not permuted.
 * Convention: new index j along the axis takes old index perm[j] (perm = LAP rowToCol = sigma).
 */
import { InvalidArgumentError } from '../errors';
import { isPermutation } from '../assign/types';

export interface TensorRef {
  data: Float32Array;
  shape: readonly number[];
}

/** Which axis of which named tensor lives in the permuted space. */
export interface AxisBinding {
  name: string;
  axis: number;
  /** A missing optional tensor (e.g. a bias) is skipped instead of raising. */
  optional?: boolean;
}

/** out[..., j, ...] = t[..., perm[j], ...] along `axis` (a copy). */
export function permuteAxis(t: TensorRef, axis: number, perm: Int32Array): TensorRef {
  const shape = t.shape;
  if (axis < 0 || axis >= shape.length) throw new InvalidArgumentError(`permuteAxis: axis ${axis} out of range for shape [${shape.join(', ')}]`);
  const len = shape[axis];
  if (!isPermutation(perm, len)) throw new InvalidArgumentError(`permuteAxis: the permutation has ${perm.length} entries, axis ${axis} has ${len}`);
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a];
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a];
  const src = t.data;
  const out = new Float32Array(src.length);
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    for (let j = 0; j < len; j++) {
      const from = base + perm[j] * inner;
      out.set(src.subarray(from, from + inner), base + j * inner);
    }
  }
  return { data: out, shape: [...shape] };
}

/** Permute every bound tensor along its axis; unbound tensors are returned as they are. */
export function applyPermutation(
  tensors: Readonly<Record<string, TensorRef | undefined>>, bindings: readonly AxisBinding[], perm: Int32Array,
): Record<string, TensorRef | undefined> {
  const out: Record<string, TensorRef | undefined> = { ...tensors };
  for (const b of bindings) {
    const t = tensors[b.name];
    if (!t) {
      if (b.optional) continue;
      throw new InvalidArgumentError(`applyPermutation: tensor '${b.name}' named by the architecture spec is missing`);
    }
    out[b.name] = permuteAxis(t, b.axis, perm);
  }
  return out;
}

/** A SwiGLU FFN: down(silu(gate x + bg) * (up x + bu)) + bd, HF [out, in] layout. */
export interface SwiGluFfn {
  hidden: number;
  inter: number;
  /** [inter, hidden] */
  gate: Float32Array;
  /** [inter, hidden] */
  up: Float32Array;
  /** [hidden, inter] */
  down: Float32Array;
  gateBias?: Float32Array;
  upBias?: Float32Array;
  downBias?: Float32Array;
}

/** The FFN-hidden axes of a SwiGLU FFN. */
export const SWIGLU_HIDDEN_AXES: readonly AxisBinding[] = [
  { name: 'gate', axis: 0 },
  { name: 'up', axis: 0 },
  { name: 'down', axis: 1 },
  { name: 'gateBias', axis: 0, optional: true },
  { name: 'upBias', axis: 0, optional: true },
];

export function permuteSwiGlu(f: SwiGluFfn, perm: Int32Array): SwiGluFfn {
  const { hidden: H, inter: I } = f;
  const t = applyPermutation(
    {
      gate: { data: f.gate, shape: [I, H] },
      up: { data: f.up, shape: [I, H] },
      down: { data: f.down, shape: [H, I] },
      gateBias: f.gateBias && { data: f.gateBias, shape: [I] },
      upBias: f.upBias && { data: f.upBias, shape: [I] },
    },
    SWIGLU_HIDDEN_AXES, perm,
  );
  return {
    hidden: H, inter: I, gate: t.gate!.data, up: t.up!.data, down: t.down!.data,
    gateBias: t.gateBias?.data, upBias: t.upBias?.data, downBias: f.downBias,
  };
}
