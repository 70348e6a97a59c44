/**
 * Architecture specs: every tensor a config implies, with its shape ([out, in] layout as stored by
 * transformers) and, per axis, the "space" it lives in. Permuting a space means permuting that
 * axis of every tensor listed for it, which is how alignment and export apply permutations without
 * hard-coded tensor names (mergekit's architecture specs work the same way).
 *
 * Spaces (ids are strings so they can key maps and cross a worker boundary):
 *   residual            d_model, shared by all layers
 *   vocab               token ids (embedding rows, lm_head rows)
 *   attn_q:L            q heads x head_dim of layer L (q rows, o columns)
 *   attn_kv:L           kv heads x head_dim of layer L (k and v rows)
 *   ffn:L               dense FFN hidden of layer L (gate/up rows, down columns, their biases)
 *   ffn:L:e<E>          hidden of routed expert E; ffn:L:shared for the Qwen2-MoE shared expert
 *   experts:L           router outputs of layer L (one per expert)
 *   unit                a length-1 axis (the shared-expert gate's output)
 */
import type { ArchConfig, MoeConfig } from './config';

export type SpaceKind = 'residual' | 'vocab' | 'attn_q' | 'attn_kv' | 'ffn' | 'experts' | 'unit';

export interface Space {
  id: string;
  kind: SpaceKind;
  size: number;
  layer?: number;
  /** Routed expert index, or 'shared' for the shared expert (ffn spaces only). */
  expert?: number | 'shared';
}

export type TensorRole =
  | 'embed'
  | 'lm_head'
  | 'final_norm'
  | 'input_norm'
  | 'post_attn_norm'
  | 'q'
  | 'k'
  | 'v'
  | 'o'
  | 'gate'
  | 'up'
  | 'down'
  | 'router'
  | 'shared_expert_gate';

export interface TensorSpec {
  name: string;
  shape: number[];
  /** Space id per axis (same length as shape). */
  axes: string[];
  role: TensorRole;
  isBias: boolean;
  layer?: number;
  expert?: number | 'shared';
}

/** What buildArchSpec reads of a config: an ArchConfig has it all, and other config types (the
 * engine's ModelConfig, src/merge/ffn-permute.ts) map onto it. */
export type SpecConfig = Pick<
  ArchConfig,
  'family' | 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'numHeads' | 'numKvHeads' | 'headDim' | 'vocabSize' | 'tieWordEmbeddings' | 'qkvBias' | 'oBias' | 'mlpBias'
> & { moe: Pick<MoeConfig, 'numExperts' | 'expertIntermediateSize' | 'sharedExpertIntermediateSize' | 'decoderSparseStep' | 'mlpOnlyLayers'> | null };

export interface ArchSpec {
  config: SpecConfig;
  tensors: TensorSpec[];
  spaces: Map<string, Space>;
}

export const RESIDUAL = 'residual';
export const VOCAB = 'vocab';
export const attnQSpace = (layer: number): string => `attn_q:${layer}`;
export const attnKvSpace = (layer: number): string => `attn_kv:${layer}`;
export const expertsSpace = (layer: number): string => `experts:${layer}`;
/** FFN-hidden space of layer L: dense (no expert), routed expert E, or the shared expert. */
export const ffnSpace = (layer: number, expert?: number | 'shared'): string =>
  expert === undefined ? `ffn:${layer}` : expert === 'shared' ? `ffn:${layer}:shared` : `ffn:${layer}:e${expert}`;

/** Whether layer L of a MoE config has routed experts (Qwen2-MoE: decoder_sparse_step, mlp_only_layers). */
export function isSparseLayer(cfg: SpecConfig, layer: number): boolean {
  if (!cfg.moe) return false;
  if (cfg.moe.mlpOnlyLayers.includes(layer)) return false;
  return cfg.moe.numExperts > 0 && (layer + 1) % cfg.moe.decoderSparseStep === 0;
}

export function buildArchSpec(cfg: SpecConfig): ArchSpec {
  const H = cfg.hiddenSize;
  const qDim = cfg.numHeads * cfg.headDim;
  const kvDim = cfg.numKvHeads * cfg.headDim;
  const spaces = new Map<string, Space>();
  const tensors: TensorSpec[] = [];
  const space = (s: Space) => spaces.set(s.id, s);
  space({ id: RESIDUAL, kind: 'residual', size: H });
  space({ id: VOCAB, kind: 'vocab', size: cfg.vocabSize });
  const add = (t: Omit<TensorSpec, 'isBias'> & { isBias?: boolean }) => tensors.push({ isBias: false, ...t });

  add({ name: 'model.embed_tokens.weight', shape: [cfg.vocabSize, H], axes: [VOCAB, RESIDUAL], role: 'embed' });
  for (let L = 0; L < cfg.numLayers; L++) {
    const p = `model.layers.${L}`;
    const q = attnQSpace(L);
    const kv = attnKvSpace(L);
    space({ id: q, kind: 'attn_q', size: qDim, layer: L });
    space({ id: kv, kind: 'attn_kv', size: kvDim, layer: L });
    add({ name: `${p}.input_layernorm.weight`, shape: [H], axes: [RESIDUAL], role: 'input_norm', layer: L });
    for (const [r, sp, dim] of [
      ['q', q, qDim],
      ['k', kv, kvDim],
      ['v', kv, kvDim],
    ] as const) {
      add({ name: `${p}.self_attn.${r}_proj.weight`, shape: [dim, H], axes: [sp, RESIDUAL], role: r, layer: L });
      if (cfg.qkvBias) add({ name: `${p}.self_attn.${r}_proj.bias`, shape: [dim], axes: [sp], role: r, layer: L, isBias: true });
    }
    add({ name: `${p}.self_attn.o_proj.weight`, shape: [H, qDim], axes: [RESIDUAL, q], role: 'o', layer: L });
    if (cfg.oBias) add({ name: `${p}.self_attn.o_proj.bias`, shape: [H], axes: [RESIDUAL], role: 'o', layer: L, isBias: true });
    add({ name: `${p}.post_attention_layernorm.weight`, shape: [H], axes: [RESIDUAL], role: 'post_attn_norm', layer: L });

    if (!isSparseLayer(cfg, L)) {
      addFfn(cfg, add, space, `${p}.mlp`, L, undefined, cfg.intermediateSize, ['gate_proj', 'up_proj', 'down_proj']);
      continue;
    }
    const moe = cfg.moe!;
    const E = moe.numExperts;
    space({ id: expertsSpace(L), kind: 'experts', size: E, layer: L });
    const mixtral = cfg.family === 'mixtral';
    const block = mixtral ? `${p}.block_sparse_moe` : `${p}.mlp`;
    add({ name: `${block}.gate.weight`, shape: [E, H], axes: [expertsSpace(L), RESIDUAL], role: 'router', layer: L });
    for (let e = 0; e < E; e++) {
      const names: [string, string, string] = mixtral ? ['w1', 'w3', 'w2'] : ['gate_proj', 'up_proj', 'down_proj'];
      addFfn(cfg, add, space, `${block}.experts.${e}`, L, e, moe.expertIntermediateSize, names);
    }
    if (!mixtral && moe.sharedExpertIntermediateSize > 0) {
      addFfn(cfg, add, space, `${p}.mlp.shared_expert`, L, 'shared', moe.sharedExpertIntermediateSize, ['gate_proj', 'up_proj', 'down_proj']);
      space({ id: 'unit', kind: 'unit', size: 1 });
      add({ name: `${p}.mlp.shared_expert_gate.weight`, shape: [1, H], axes: ['unit', RESIDUAL], role: 'shared_expert_gate', layer: L, expert: 'shared' });
    }
  }
  add({ name: 'model.norm.weight', shape: [H], axes: [RESIDUAL], role: 'final_norm' });
  if (!cfg.tieWordEmbeddings) add({ name: 'lm_head.weight', shape: [cfg.vocabSize, H], axes: [VOCAB, RESIDUAL], role: 'lm_head' });
  return { config: cfg, tensors, spaces };
}

function addFfn(
  cfg: SpecConfig,
  add: (t: Omit<TensorSpec, 'isBias'> & { isBias?: boolean }) => void,
  space: (s: Space) => void,
  prefix: string,
  L: number,
  expert: number | 'shared' | undefined,
  width: number,
  [gate, up, down]: readonly [string, string, string],
): void {
  const H = cfg.hiddenSize;
  const f = ffnSpace(L, expert);
  space({ id: f, kind: 'ffn', size: width, layer: L, ...(expert !== undefined ? { expert } : {}) });
  const base = { layer: L, ...(expert !== undefined ? { expert } : {}) };
  add({ name: `${prefix}.${gate}.weight`, shape: [width, H], axes: [f, RESIDUAL], role: 'gate', ...base });
  add({ name: `${prefix}.${up}.weight`, shape: [width, H], axes: [f, RESIDUAL], role: 'up', ...base });
  add({ name: `${prefix}.${down}.weight`, shape: [H, width], axes: [RESIDUAL, f], role: 'down', ...base });
  if (cfg.mlpBias) {
    add({ name: `${prefix}.${gate}.bias`, shape: [width], axes: [f], role: 'gate', isBias: true, ...base });
    add({ name: `${prefix}.${up}.bias`, shape: [width], axes: [f], role: 'up', isBias: true, ...base });
    add({ name: `${prefix}.${down}.bias`, shape: [H], axes: [RESIDUAL], role: 'down', isBias: true, ...base });
  }
}

export interface AxisRef {
  name: string;
  axis: number;
  role: TensorRole;
  isBias: boolean;
}

/** Every (tensor, axis) that lives in `spaceId`: what a permutation of that space must touch. */
export function tensorsInSpace(spec: ArchSpec, spaceId: string): AxisRef[] {
  const out: AxisRef[] = [];
  for (const t of spec.tensors) t.axes.forEach((a, axis) => a === spaceId && out.push({ name: t.name, axis, role: t.role, isBias: t.isBias }));
  return out;
}

/** The FFN-hidden axes of layer L (or of one of its experts): gate/up rows, down columns, biases. */
export function ffnHiddenAxes(spec: ArchSpec, layer: number, expert?: number | 'shared'): AxisRef[] {
  return tensorsInSpace(spec, ffnSpace(layer, expert));
}

export interface SpecCheck {
  missing: string[];
  unexpected: string[];
  wrongShape: { name: string; expected: number[]; actual: number[] }[];
}

/** Compare a checkpoint's tensor shapes with what its config implies. */
export function checkTensorsAgainstSpec(spec: ArchSpec, actual: ReadonlyMap<string, { shape: readonly number[] }>): SpecCheck {
  const res: SpecCheck = { missing: [], unexpected: [], wrongShape: [] };
  const expected = new Map(spec.tensors.map((t) => [t.name, t]));
  for (const t of spec.tensors) {
    const a = actual.get(t.name);
    if (!a) res.missing.push(t.name);
    else if (a.shape.length !== t.shape.length || a.shape.some((d, i) => d !== t.shape[i])) res.wrongShape.push({ name: t.name, expected: t.shape, actual: [...a.shape] });
  }
  for (const name of actual.keys()) {
    // Rotary caches are buffers some old exports saved; they carry no weights.
    if (!expected.has(name) && !name.endsWith('rotary_emb.inv_freq')) res.unexpected.push(name);
  }
  return res;
}
