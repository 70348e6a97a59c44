/**
 * Weights for layer-streaming execution. A WeightProvider hands out f32 tensors by HF name
 * (asynchronously: from memory, a local file or byte-range reads of a remote checkpoint); the
 * model asks for one layer at a time (`loadLayer`), uploads it to the backend, runs it and
 * releases it, so only the current layer (plus embeddings, final norm and LM head) is resident.
 * Tensor names follow FORMATS.md ([out, in] layout; Mixtral's block_sparse_moe w1/w3/w2).
 */
import type { BackendTensor, ComputeBackend } from '../core/backend';
import { StudioError, registerError } from '../core/errors';
import { parseSafetensors, readTensor, type SafetensorsHeader } from '../core/formats/safetensors';
import type { TensorRows } from '../core/formats/tensor-rows';
import type { ModelConfig } from './config';

export class MissingTensorError extends StudioError {
  override readonly code = 'MISSING_TENSOR';
}
registerError('MISSING_TENSOR', MissingTensorError);

export interface HostTensor {
  data: Float32Array;
  shape: number[];
}

export interface WeightProvider {
  readonly config: ModelConfig;
  /** One tensor decoded to f32. Raises MissingTensorError when the checkpoint lacks it. */
  getTensor(name: string): Promise<HostTensor>;
  /**
   * Optional row-range access (core/formats/tensor-rows.ts), for providers that can read or
   * compute part of a large tensor without the whole: exporters write embeddings in row blocks.
   */
  tensorRows?(name: string): Promise<TensorRows>;
}

export interface FfnWeights<T> {
  gate: T;
  up: T;
  down: T;
}

export interface MoeWeights<T> {
  router: T;
  experts: FfnWeights<T>[];
  shared: FfnWeights<T> | null;
  /** [1, H] gate of the shared expert (Qwen2-MoE). */
  sharedGate: T | null;
}

export interface LayerWeights<T> {
  inputNorm: T;
  postNorm: T;
  q: T;
  k: T;
  v: T;
  o: T;
  qBias: T | null;
  kBias: T | null;
  vBias: T | null;
  mlp: FfnWeights<T> | null;
  moe: MoeWeights<T> | null;
}

export interface GlobalWeights<T> {
  embed: T;
  finalNorm: T;
  /** The embedding table itself when tied. */
  lmHead: T;
}

/** HF names of one layer's FFN (dense, or expert e / the shared expert of an MoE layer). */
export function ffnNames(cfg: ModelConfig, l: number, which: 'dense' | 'shared' | number): FfnWeights<string> {
  const p = `model.layers.${l}.`;
  if (which === 'dense') return { gate: `${p}mlp.gate_proj.weight`, up: `${p}mlp.up_proj.weight`, down: `${p}mlp.down_proj.weight` };
  if (which === 'shared') {
    return { gate: `${p}mlp.shared_expert.gate_proj.weight`, up: `${p}mlp.shared_expert.up_proj.weight`, down: `${p}mlp.shared_expert.down_proj.weight` };
  }
  if (cfg.modelType === 'mixtral') {
    const e = `${p}block_sparse_moe.experts.${which}.`;
    return { gate: `${e}w1.weight`, up: `${e}w3.weight`, down: `${e}w2.weight` };
  }
  const e = `${p}mlp.experts.${which}.`;
  return { gate: `${e}gate_proj.weight`, up: `${e}up_proj.weight`, down: `${e}down_proj.weight` };
}

export function routerName(cfg: ModelConfig, l: number): string {
  return cfg.modelType === 'mixtral' ? `model.layers.${l}.block_sparse_moe.gate.weight` : `model.layers.${l}.mlp.gate.weight`;
}

/** Every tensor name of layer l, in a stable order (prefetchers and exporters use it). */
export function layerTensorNames(cfg: ModelConfig, l: number): string[] {
  const a = `model.layers.${l}.self_attn.`;
  const names = [`model.layers.${l}.input_layernorm.weight`, `model.layers.${l}.post_attention_layernorm.weight`];
  for (const p of ['q', 'k', 'v', 'o']) names.push(`${a}${p}_proj.weight`);
  if (cfg.attentionBias) for (const p of ['q', 'k', 'v']) names.push(`${a}${p}_proj.bias`);
  const ffn = (f: FfnWeights<string>): void => void names.push(f.gate, f.up, f.down);
  if (cfg.moe?.sparseLayers[l]) {
    names.push(routerName(cfg, l));
    for (let e = 0; e < cfg.moe.numExperts; e++) ffn(ffnNames(cfg, l, e));
    if (cfg.moe.sharedExpertIntermediateSize > 0) {
      ffn(ffnNames(cfg, l, 'shared'));
      names.push(`model.layers.${l}.mlp.shared_expert_gate.weight`);
    }
  } else {
    ffn(ffnNames(cfg, l, 'dense'));
  }
  return names;
}

async function up<T extends BackendTensor>(be: ComputeBackend<T>, wp: WeightProvider, name: string): Promise<T> {
  const t = await wp.getTensor(name);
  return be.upload(t.data, t.shape, name);
}

async function upFfn<T extends BackendTensor>(be: ComputeBackend<T>, wp: WeightProvider, n: FfnWeights<string>): Promise<FfnWeights<T>> {
  return { gate: await up(be, wp, n.gate), up: await up(be, wp, n.up), down: await up(be, wp, n.down) };
}

/** Fetch and upload layer l. */
export async function loadLayer<T extends BackendTensor>(be: ComputeBackend<T>, wp: WeightProvider, l: number): Promise<LayerWeights<T>> {
  const cfg = wp.config;
  const a = `model.layers.${l}.self_attn.`;
  const bias = (p: string): Promise<T | null> => (cfg.attentionBias ? up(be, wp, `${a}${p}_proj.bias`) : Promise.resolve(null));
  const w: LayerWeights<T> = {
    inputNorm: await up(be, wp, `model.layers.${l}.input_layernorm.weight`),
    postNorm: await up(be, wp, `model.layers.${l}.post_attention_layernorm.weight`),
    q: await up(be, wp, `${a}q_proj.weight`),
    k: await up(be, wp, `${a}k_proj.weight`),
    v: await up(be, wp, `${a}v_proj.weight`),
    o: await up(be, wp, `${a}o_proj.weight`),
    qBias: await bias('q'),
    kBias: await bias('k'),
    vBias: await bias('v'),
    mlp: null,
    moe: null,
  };
  const moe = cfg.moe;
  if (moe?.sparseLayers[l]) {
    const experts: FfnWeights<T>[] = [];
    for (let e = 0; e < moe.numExperts; e++) experts.push(await upFfn(be, wp, ffnNames(cfg, l, e)));
    const hasShared = moe.sharedExpertIntermediateSize > 0;
    w.moe = {
      router: await up(be, wp, routerName(cfg, l)),
      experts,
      shared: hasShared ? await upFfn(be, wp, ffnNames(cfg, l, 'shared')) : null,
      sharedGate: hasShared ? await up(be, wp, `model.layers.${l}.mlp.shared_expert_gate.weight`) : null,
    };
  } else {
    w.mlp = await upFfn(be, wp, ffnNames(cfg, l, 'dense'));
  }
  return w;
}

export function releaseLayer<T extends BackendTensor>(be: ComputeBackend<T>, w: LayerWeights<T>): void {
  const ffn = (f: FfnWeights<T> | null): void => {
    if (f) be.release(f.gate, f.up, f.down);
  };
  be.release(w.inputNorm, w.postNorm, w.q, w.k, w.v, w.o, w.qBias, w.kBias, w.vBias);
  ffn(w.mlp);
  if (w.moe) {
    be.release(w.moe.router, w.moe.sharedGate);
    w.moe.experts.forEach(ffn);
    ffn(w.moe.shared);
  }
}

export async function loadGlobals<T extends BackendTensor>(be: ComputeBackend<T>, wp: WeightProvider): Promise<GlobalWeights<T>> {
  const embed = await up(be, wp, 'model.embed_tokens.weight');
  return {
    embed,
    finalNorm: await up(be, wp, 'model.norm.weight'),
    lmHead: wp.config.tieWordEmbeddings ? embed : await up(be, wp, 'lm_head.weight'),
  };
}

/** A provider over tensors already in memory (tests, assembled models). */
export class MemoryWeights implements WeightProvider {
  constructor(
    readonly config: ModelConfig,
    readonly tensors: Map<string, HostTensor>,
  ) {}

  getTensor(name: string): Promise<HostTensor> {
    const t = this.tensors.get(name);
    if (!t) return Promise.reject(new MissingTensorError(`The checkpoint has no tensor "${name}"; it does not match its config.json.`, { name }));
    return Promise.resolve(t);
  }
}

/** A provider over safetensors files held in memory (one file or all shards). */
export class SafetensorsWeights implements WeightProvider {
  private readonly where = new Map<string, { bytes: Uint8Array; header: SafetensorsHeader }>();

  constructor(
    readonly config: ModelConfig,
    files: Uint8Array[],
  ) {
    files.forEach((bytes, i) => {
      const header = parseSafetensors(bytes, `shard ${i + 1}`);
      for (const name of header.tensors.keys()) this.where.set(name, { bytes, header });
    });
  }

  names(): string[] {
    return [...this.where.keys()];
  }

  getTensor(name: string): Promise<HostTensor> {
    const f = this.where.get(name);
    if (!f) return Promise.reject(new MissingTensorError(`The checkpoint has no tensor "${name}"; it does not match its config.json.`, { name }));
    return Promise.resolve({ data: readTensor(f.bytes, f.header, name), shape: [...f.header.tensors.get(name)!.shape] });
  }

  /** All tensors decoded (tests derive variants of a checkpoint from this). */
  async toMemory(): Promise<MemoryWeights> {
    const m = new Map<string, HostTensor>();
    for (const n of this.names()) m.set(n, await this.getTensor(n));
    return new MemoryWeights(this.config, m);
  }
}
