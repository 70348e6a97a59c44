/**
 * The merged MoE as a lazy WeightProvider: each tensor is computed from the sources when the
 * engine (or the exporter) asks for it, so building the MoE never holds more than one layer of
 * every source (METHOD.md sections 2 and 4, FORMATS.md names).
 *
 * Backbone rules: 'symphony' (SLERP for two sources / weighted spherical mean for more on
 * attention weights and biases, linear mean on norms, selective-linear embeddings over the
 * vocabulary union), 'linear' (linear mean everywhere; embeddings still matched by token string)
 * and 'anchor' (the anchor's backbone as is). Experts are the sources' FFNs, permuted by the
 * alignment when given, optionally Drop-Upcycled. The shared expert ('aligned-mean' or
 * 'anchor') starts with a zero gate weight, so sigmoid(0) = 1/2, and its down_proj doubled: it
 * contributes exactly its FFN at initialisation.
 */
import { InvalidArgumentError } from '../core/errors';
import { selectiveEmbeddings } from '../core/fusion/embeddings';
import { linearMean, slerp, sphericalMean } from '../core/fusion/interpolate';
import { dropUpcycle } from '../core/fusion/drop-upcycling';
import type { ModelConfig } from '../model/config';
import { ffnNames, routerName, type HostTensor, type WeightProvider } from '../model/weights';
import { loadFfn, modelArchSpec, permuteFfn, type HostFfn } from './ffn-permute';
import { moeConfig, type MoeLayout } from './moe-config';

export type BackboneRule = 'symphony' | 'linear' | 'anchor';

export interface MergeSpec {
  anchor: number;
  backbone: { rule: BackboneRule; slerpT: number; weights?: number[] };
  layout: MoeLayout;
  /** perms[source][layer]: new neuron j = old neuron sigma(j); null = as is. */
  perms?: (Int32Array | null)[][] | null;
  /** Vocabulary union (fromUnion maps per source). Omit when all sources share one vocabulary. */
  vocab?: { size: number; fromUnion: Int32Array[] } | null;
  /** Router weights [E, H] per layer. */
  router: (layer: number) => Float32Array;
  /** Drop-Upcycling: re-initialise this fraction of each expert's neurons (seeded per expert and layer). */
  drop?: { ratio: number; seed: number } | null;
}

const LAYER_RE = /^model\.layers\.(\d+)\.(.+)$/;

export class MergedWeights implements WeightProvider {
  readonly config: ModelConfig;
  private ffnCache: { layer: number; ffns: Map<number, HostFfn> } | null = null;

  constructor(
    readonly sources: readonly WeightProvider[],
    readonly spec: MergeSpec,
  ) {
    if (sources.length === 0) throw new InvalidArgumentError('A merge needs at least one source.');
    if (spec.anchor < 0 || spec.anchor >= sources.length) throw new InvalidArgumentError(`anchor ${spec.anchor} is not a source index`);
    for (const e of spec.layout.experts) {
      if (!(e >= 0 && e < sources.length)) throw new InvalidArgumentError(`expert source ${e} is not a source index`);
    }
    this.config = moeConfig(sources[spec.anchor].config, spec.layout, spec.vocab?.size);
  }

  private get anchor(): WeightProvider {
    return this.sources[this.spec.anchor];
  }

  private async all(name: string): Promise<HostTensor[]> {
    return Promise.all(this.sources.map((s) => s.getTensor(name)));
  }

  private fuse(ts: HostTensor[], kind: 'attn' | 'norm'): HostTensor {
    const { rule, slerpT, weights } = this.spec.backbone;
    const data = ts.map((t) => t.data);
    if (rule === 'anchor') return ts[this.spec.anchor];
    if (rule === 'linear' || kind === 'norm' || ts.length === 1) return { data: linearMean(data, weights), shape: ts[0].shape };
    if (ts.length === 2) {
      // t is the weight of the non-anchor end: t = 0 gives the anchor.
      const other = 1 - this.spec.anchor;
      return { data: slerp(data[this.spec.anchor], data[other], slerpT), shape: ts[0].shape };
    }
    return { data: sphericalMean(data, weights), shape: ts[0].shape };
  }

  private async embedding(name: string): Promise<HostTensor> {
    if (this.spec.backbone.rule === 'anchor' && !this.spec.vocab) return this.anchor.getTensor(name);
    const ts = await this.all(name);
    const H = ts[0].shape[1];
    if (this.spec.backbone.rule === 'anchor') {
      // Tokens the anchor lacks still need rows: they come from the sources that have them.
      const fu = this.spec.vocab!.fromUnion;
      const own = fu.map((m, s) => (s === this.spec.anchor ? m : m.map((id, u) => (fu[this.spec.anchor][u] >= 0 ? -1 : id))));
      return { data: selectiveEmbeddings(ts.map((t) => t.data), H, own), shape: [this.config.vocabSize, H] };
    }
    const maps = this.spec.vocab?.fromUnion ?? ts.map((t) => Int32Array.from({ length: t.shape[0] }, (_, i) => i));
    return { data: selectiveEmbeddings(ts.map((t) => t.data), H, maps, this.spec.backbone.weights), shape: [maps[0].length, H] };
  }

  private async sourceFfn(src: number, layer: number): Promise<HostFfn> {
    const p = this.sources[src];
    // The tensors and the axes to permute come from the source's architecture spec.
    const spec = modelArchSpec(p.config);
    const f = await loadFfn(p, spec, layer);
    const sigma = this.spec.perms?.[src]?.[layer];
    return sigma ? permuteFfn(spec, layer, f, sigma) : f;
  }

  /** Expert e of layer l (cached for the current layer only: gate, up, down are asked apart). */
  private async expert(layer: number, e: number): Promise<HostFfn> {
    if (this.ffnCache?.layer !== layer) this.ffnCache = { layer, ffns: new Map() };
    const hit = this.ffnCache.ffns.get(e);
    if (hit) return hit;
    let f = await this.sourceFfn(this.spec.layout.experts[e], layer);
    const drop = this.spec.drop;
    if (drop && drop.ratio > 0) {
      const [I, H] = f.gate.shape;
      const d = dropUpcycle({ gate: f.gate.data, up: f.up.data, down: f.down.data, hidden: H, inter: I }, drop.ratio, drop.seed + 7919 * e + 104729 * layer);
      f = { gate: { data: d.gate, shape: f.gate.shape }, up: { data: d.up, shape: f.up.shape }, down: { data: d.down, shape: f.down.shape } };
    }
    this.ffnCache.ffns.set(e, f);
    return f;
  }

  private async shared(layer: number): Promise<HostFfn> {
    const key = -1;
    if (this.ffnCache?.layer !== layer) this.ffnCache = { layer, ffns: new Map() };
    const hit = this.ffnCache.ffns.get(key);
    if (hit) return hit;
    let f: HostFfn;
    if (this.spec.layout.sharedExpert === 'anchor') {
      f = await this.sourceFfn(this.spec.anchor, layer);
    } else {
      const srcs = [...new Set(this.spec.layout.experts)];
      const ffns = await Promise.all(srcs.map((s) => this.sourceFfn(s, layer)));
      const mean = (k: 'gate' | 'up' | 'down'): HostTensor => ({ data: linearMean(ffns.map((x) => x[k].data)), shape: ffns[0][k].shape });
      f = { gate: mean('gate'), up: mean('up'), down: mean('down') };
    }
    f = { ...f, down: { data: Float32Array.from(f.down.data, (v) => 2 * v), shape: f.down.shape } };
    this.ffnCache.ffns.set(key, f);
    return f;
  }

  async getTensor(name: string): Promise<HostTensor> {
    if (name === 'model.embed_tokens.weight' || name === 'lm_head.weight') return this.embedding(name);
    if (name === 'model.norm.weight') return this.fuse(await this.all(name), 'norm');
    const m = LAYER_RE.exec(name);
    if (!m) throw new InvalidArgumentError(`The merged model has no tensor "${name}".`);
    const layer = Number(m[1]);
    const rest = m[2];
    if (rest.endsWith('layernorm.weight')) return this.fuse(await this.all(name), 'norm');
    if (rest.startsWith('self_attn.')) return this.fuse(await this.all(name), 'attn');
    const cfg = this.config;
    const E = cfg.moe!.numExperts;
    const H = cfg.hiddenSize;
    if (name === routerName(cfg, layer)) {
      const w = this.spec.router(layer);
      if (w.length !== E * H) throw new InvalidArgumentError(`router of layer ${layer} has ${w.length} values, expected ${E}x${H}`);
      return { data: w, shape: [E, H] };
    }
    if (rest === 'mlp.shared_expert_gate.weight') return { data: new Float32Array(H), shape: [1, H] };
    for (let e = 0; e < E; e++) {
      const n = ffnNames(cfg, layer, e);
      if (name === n.gate || name === n.up || name === n.down) {
        const f = await this.expert(layer, e);
        return name === n.gate ? f.gate : name === n.up ? f.up : f.down;
      }
    }
    if (cfg.moe!.sharedExpertIntermediateSize > 0) {
      const n = ffnNames(cfg, layer, 'shared');
      if (name === n.gate || name === n.up || name === n.down) {
        const f = await this.shared(layer);
        return name === n.gate ? f.gate : name === n.up ? f.up : f.down;
      }
    }
    throw new InvalidArgumentError(`The merged model has no tensor "${name}".`);
  }
}
