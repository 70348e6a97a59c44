/**
 * Applying a neuron permutation to weights (METHOD.md section 2, step 3). Generic over
 * {tensor, axis} bindings, which come from the architecture spec (src/core/arch/spec.ts): the
 * tensors and axes listed in an FFN-hidden space (ffnAxes). For the SwiGLU FFNs of qwen2, llama
 * and mistral in HF [out, in] layout those are the rows of gate_proj and up_proj (and their
 * biases, llama's mlp_bias) and the columns of down_proj; down_proj's bias lives in the model
 * (residual) space and is not permuted.
 * Convention: new index j along the axis takes old index perm[j] (perm = LAP rowToCol = sigma).
 */
import { ffnHiddenAxes, ffnSpace, type ArchSpec } from '../arch/spec';
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

/** The tensors of one FFN by role: gate / up / down weights and their biases. */
export type FfnField = 'gate' | 'up' | 'down' | 'gateBias' | 'upBias' | 'downBias';

/** One FFN-hidden axis from the architecture spec: tensor name, the FFN field it is, the axis. */
export interface FfnAxis {
  name: string;
  field: FfnField;
  axis: number;
}

/**
 * The FFN-hidden axes of layer L (or of one of its experts, or the shared expert) as the
 * architecture spec lists them (ffnHiddenAxes): gate/up rows, down columns, and the gate/up
 * biases when the architecture has FFN biases. Every permutation of FFN neurons goes through
 * these, so a new architecture only needs a spec, not new permutation code.
 */
export function ffnAxes(spec: ArchSpec, layer: number, expert?: number | 'shared'): FfnAxis[] {
  const refs = ffnHiddenAxes(spec, layer, expert);
  if (refs.length === 0) {
    throw new InvalidArgumentError(`The architecture spec has no FFN-hidden space ${ffnSpace(layer, expert)} (layer ${layer}${expert === undefined ? '' : `, expert ${expert}`}); check the layer index and whether the layer is dense or MoE.`);
  }
  return refs.map((a) => {
    if (a.role !== 'gate' && a.role !== 'up' && a.role !== 'down') {
      throw new InvalidArgumentError(`The architecture spec puts ${a.name} (${a.role}) in an FFN-hidden space; only gate, up and down tensors can live there.`);
    }
    return { name: a.name, axis: a.axis, field: a.isBias ? `${a.role}Bias` : a.role };
  });
}

/**
 * Permute one FFN's tensors (keyed by field) along the spec's axes. Every field the spec lists
 * must be present; a gate/up bias the spec does not list is an error (it lives in the permuted
 * space, so leaving it would change the function). Fields the spec does not place in the space
 * (down's bias, in the residual space) are returned as they are.
 */
export function permuteFfnFields(fields: Readonly<Partial<Record<FfnField, TensorRef>>>, axes: readonly FfnAxis[], perm: Int32Array): Partial<Record<FfnField, TensorRef>> {
  const listed = new Set(axes.map((a) => a.field));
  for (const f of ['gateBias', 'upBias'] as const) {
    if (fields[f] && !listed.has(f)) throw new InvalidArgumentError(`The FFN has a ${f} that its architecture spec does not list (mlp_bias); the spec and the weights disagree.`);
  }
  return applyPermutation(fields, axes.map((a) => ({ name: a.field, axis: a.axis })), perm);
}

/** Permute a SwiGLU FFN's neurons along the spec's FFN-hidden axes (ffnAxes). */
export function permuteSwiGlu(f: SwiGluFfn, perm: Int32Array, axes: readonly FfnAxis[]): SwiGluFfn {
  const { hidden: H, inter: I } = f;
  const t = permuteFfnFields(
    {
      gate: { data: f.gate, shape: [I, H] },
      up: { data: f.up, shape: [I, H] },
      down: { data: f.down, shape: [H, I] },
      gateBias: f.gateBias && { data: f.gateBias, shape: [I] },
      upBias: f.upBias && { data: f.upBias, shape: [I] },
      downBias: f.downBias && { data: f.downBias, shape: [H] },
    },
    axes, perm,
  );
  return {
    hidden: H, inter: I, gate: t.gate!.data, up: t.up!.data, down: t.down!.data,
    gateBias: t.gateBias?.data, upBias: t.upBias?.data, downBias: t.downBias?.data,
  };
}
