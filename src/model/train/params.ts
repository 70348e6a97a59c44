/**
 * Trainable parameters of a model on a TrainBackend: every tensor of the checkpoint, by its HF
 * name, with a gradient buffer when it lies in the training scope (METHOD.md section 1):
 *   'router'          the MoE routers only (the default, "short router fine-tuning")
 *   'router+experts'  routers, routed experts, and Qwen2-MoE's shared expert and its gate
 *   'all'             every parameter
 * Parameters outside the scope get no gradient buffer, so their weight gradients are never
 * computed (activation gradients still flow through them). Tied embeddings are one parameter
 * that serves as embedding and LM head. All weights stay resident: training is for models that
 * fit (the studio's CPU trainer runs tiny models; a GPU backend would stream frozen layers).
 */
import type { BackendTensor } from '../../core/backend';
import { InvalidArgumentError } from '../../core/errors';
import type { TrainBackend } from '../../core/train/train-backend';
import type { ModelConfig } from '../config';
import { ffnNames, layerTensorNames, MemoryWeights, routerName, type FfnWeights, type HostTensor, type LayerWeights, type WeightProvider } from '../weights';

export const TRAIN_SCOPES = ['router', 'router+experts', 'all'] as const;
export type TrainScope = (typeof TRAIN_SCOPES)[number];

export interface Param<T> {
  name: string;
  shape: number[];
  value: T;
  /** Gradient accumulator; null when frozen. */
  grad: T | null;
  /** Decoupled weight decay applies to matrices only (not norms, biases). */
  decay: boolean;
}

export function isRouter(cfg: ModelConfig, name: string): boolean {
  for (let l = 0; l < cfg.numLayers; l++) if (name === routerName(cfg, l)) return true;
  return false;
}

export function inScope(cfg: ModelConfig, name: string, scope: TrainScope): boolean {
  if (scope === 'all') return true;
  if (isRouter(cfg, name)) return true;
  return scope === 'router+experts' && (name.includes('.experts.') || name.includes('.shared_expert'));
}

/** Every tensor name of a checkpoint with this config (LM head only when untied). */
export function allTensorNames(cfg: ModelConfig): string[] {
  const names = ['model.embed_tokens.weight'];
  for (let l = 0; l < cfg.numLayers; l++) names.push(...layerTensorNames(cfg, l));
  names.push('model.norm.weight');
  if (!cfg.tieWordEmbeddings) names.push('lm_head.weight');
  return names;
}

export class ParamSet<T extends BackendTensor> {
  private constructor(
    readonly be: TrainBackend<T>,
    readonly config: ModelConfig,
    readonly scope: TrainScope,
    readonly params: Map<string, Param<T>>,
  ) {}

  static async load<T extends BackendTensor>(be: TrainBackend<T>, wp: WeightProvider, scope: TrainScope = 'router'): Promise<ParamSet<T>> {
    if (!TRAIN_SCOPES.includes(scope)) throw new InvalidArgumentError(`training scope "${String(scope)}" is unknown; use one of ${TRAIN_SCOPES.join(', ')}`);
    const cfg = wp.config;
    const params = new Map<string, Param<T>>();
    for (const name of allTensorNames(cfg)) {
      const h = await wp.getTensor(name);
      const value = be.upload(h.data, h.shape);
      const grad = inScope(cfg, name, scope) ? be.zeros(h.shape) : null;
      params.set(name, { name, shape: [...h.shape], value, grad, decay: h.shape.length >= 2 });
    }
    const set = new ParamSet(be, cfg, scope, params);
    if (set.trainable().length === 0) {
      throw new InvalidArgumentError(`scope "${scope}" selects no parameter of this ${cfg.modelType} model (a dense model has no router); choose "all"`);
    }
    return set;
  }

  get(name: string): Param<T> {
    const p = this.params.get(name);
    if (!p) throw new InvalidArgumentError(`no parameter "${name}"`);
    return p;
  }

  maybe(name: string): Param<T> | null {
    return this.params.get(name) ?? null;
  }

  /** The LM head: the embedding parameter itself when tied. */
  lmHead(): Param<T> {
    return this.get(this.config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
  }

  trainable(): Param<T>[] {
    return [...this.params.values()].filter((p) => p.grad !== null);
  }

  /** Whether any parameter of layer l is trainable. */
  layerHasTrainable(l: number): boolean {
    const prefix = `model.layers.${l}.`;
    return this.trainable().some((p) => p.name.startsWith(prefix));
  }

  zeroGrads(): void {
    for (const p of this.trainable()) this.be.fillZero(p.grad!);
  }

  /** Layer l's parameters in the engine's LayerWeights shape. */
  layer(l: number): LayerWeights<Param<T>> {
    const cfg = this.config;
    const a = `model.layers.${l}.self_attn.`;
    const ffn = (n: FfnWeights<string>): FfnWeights<Param<T>> => ({ gate: this.get(n.gate), up: this.get(n.up), down: this.get(n.down) });
    const moe = cfg.moe?.sparseLayers[l] ? cfg.moe : null;
    const shared = moe && moe.sharedExpertIntermediateSize > 0;
    return {
      inputNorm: this.get(`model.layers.${l}.input_layernorm.weight`),
      postNorm: this.get(`model.layers.${l}.post_attention_layernorm.weight`),
      q: this.get(`${a}q_proj.weight`),
      k: this.get(`${a}k_proj.weight`),
      v: this.get(`${a}v_proj.weight`),
      o: this.get(`${a}o_proj.weight`),
      qBias: this.maybe(`${a}q_proj.bias`),
      kBias: this.maybe(`${a}k_proj.bias`),
      vBias: this.maybe(`${a}v_proj.bias`),
      mlp: moe ? null : ffn(ffnNames(cfg, l, 'dense')),
      moe: moe
        ? {
            router: this.get(routerName(cfg, l)),
            experts: Array.from({ length: moe.numExperts }, (_, e) => ffn(ffnNames(cfg, l, e))),
            shared: shared ? ffn(ffnNames(cfg, l, 'shared')) : null,
            sharedGate: shared ? this.get(`model.layers.${l}.mlp.shared_expert_gate.weight`) : null,
          }
        : null,
    };
  }

  /** Free every parameter and gradient on the backend (the set is unusable afterwards). */
  dispose(): void {
    for (const p of this.params.values()) this.be.release(p.value, p.grad);
    this.params.clear();
  }

  /** An f32 snapshot as a WeightProvider: evaluate the trained model on the inference engine. */
  async toWeights(): Promise<MemoryWeights> {
    const m = new Map<string, HostTensor>();
    for (const p of this.params.values()) m.set(p.name, { data: Float32Array.from(await this.be.read(p.value)), shape: [...p.shape] });
    return new MemoryWeights(this.config, m);
  }
}
