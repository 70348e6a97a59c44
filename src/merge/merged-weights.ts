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
import { checkRowRange, rowsOf, wholeTensorRows, type TensorRows } from '../core/formats/tensor-rows';
import { selectiveEmbeddingRows, selectiveEmbeddings } from '../core/fusion/embeddings';
import { linearMean, linearMeanStreamed, slerp, sphericalMean } from '../core/fusion/interpolate';
import { ffnAxes, permuteAxis } from '../core/permute/apply';
import { dropUpcycle } from '../core/fusion/drop-upcycling';
import type { ModelConfig } from '../model/config';
import { ffnNames, routerName, type HostTensor, type WeightProvider } from '../model/weights';
import { ffnTensorNames, loadFfn, modelArchSpec, permuteFfn, type HostFfn } from './ffn-permute';
import { moeConfig, type MoeLayout } from './moe-config';

/** The three weight tensors of an FFN (the engine's FFNs have no biases). */
type FfnPart = 'gate' | 'up' | 'down';

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
  /** Expert FFNs of the current layer with the parts not yet handed out. */
  private ffnCache: { layer: number; ffns: Map<number, { f: HostFfn; left: Set<FfnPart> }> } | null = null;

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

  /** Per-source id maps of the embedding merge over tables of `rows[i]` rows (FORMATS.md vocabulary union). */
  private embeddingMaps(rows: readonly number[]): Int32Array[] {
    const fu = this.spec.vocab?.fromUnion;
    if (this.spec.backbone.rule === 'anchor') {
      // Tokens the anchor lacks still need rows: they come from the sources that have them.
      const a = fu![this.spec.anchor];
      return fu!.map((m, s) => (s === this.spec.anchor ? m : m.map((id, u) => (a[u] >= 0 ? -1 : id))));
    }
    return fu ? [...fu] : rows.map((n) => Int32Array.from({ length: n }, (_, i) => i));
  }

  private get embeddingWeights(): number[] | undefined {
    return this.spec.backbone.rule === 'anchor' ? undefined : this.spec.backbone.weights;
  }

  private async embedding(name: string): Promise<HostTensor> {
    if (this.spec.backbone.rule === 'anchor' && !this.spec.vocab) return this.anchor.getTensor(name);
    const ts = await this.all(name);
    const H = ts[0].shape[1];
    const maps = this.embeddingMaps(ts.map((t) => t.shape[0]));
    return { data: selectiveEmbeddings(ts.map((t) => t.data), H, maps, this.embeddingWeights), shape: [maps[0].length, H] };
  }

  /**
   * Row access: the embedding table and lm_head merge one block of rows at a time, reading only
   * the source rows the block needs (bit-identical to `getTensor`); other tensors are computed
   * whole, as by `getTensor`.
   */
  async tensorRows(name: string): Promise<TensorRows> {
    if (name !== 'model.embed_tokens.weight' && name !== 'lm_head.weight') {
      const t = await this.getTensor(name);
      return wholeTensorRows(name, t.data, t.shape);
    }
    if (this.spec.backbone.rule === 'anchor' && !this.spec.vocab) return rowsOf(this.anchor, name);
    const rs = await Promise.all(this.sources.map((s) => rowsOf(s, name)));
    const H = rs[0].shape[1];
    const sourceRows = rs.map((r) => r.shape[0]);
    const maps = this.embeddingMaps(sourceRows);
    const V = maps[0].length;
    const weights = this.embeddingWeights;
    return {
      shape: [V, H],
      read: (start, count) => {
        checkRowRange(name, V, start, count);
        return selectiveEmbeddingRows((i, first, n) => rs[i].read(first, n), sourceRows, H, maps, start, count, weights);
      },
    };
  }

  private async sourceFfn(src: number, layer: number): Promise<HostFfn> {
    const p = this.sources[src];
    // The tensors and the axes to permute come from the source's architecture spec.
    const spec = modelArchSpec(p.config);
    const f = await loadFfn(p, spec, layer);
    const sigma = this.spec.perms?.[src]?.[layer];
    return sigma ? permuteFfn(spec, layer, f, sigma) : f;
  }

  /**
   * One part of expert `key`'s FFN at layer l, computed by `make` once
   * for gate, up and down (asked apart) and dropped when all three were handed out, so an export
   * holds one FFN at a time; cached for the current layer only.
   */
  private async ffnPart(layer: number, key: number, part: FfnPart, make: () => Promise<HostFfn>): Promise<HostTensor> {
    if (this.ffnCache?.layer !== layer) this.ffnCache = { layer, ffns: new Map() };
    const ffns = this.ffnCache.ffns;
    let hit = ffns.get(key);
    if (!hit) {
      hit = { f: await make(), left: new Set(['gate', 'up', 'down']) };
      if (this.ffnCache.layer === layer) ffns.set(key, hit);
    }
    hit.left.delete(part);
    if (hit.left.size === 0) ffns.delete(key);
    return hit.f[part];
  }

  /** Expert e of layer l, permuted and optionally Drop-Upcycled. */
  private async expert(layer: number, e: number): Promise<HostFfn> {
    let f = await this.sourceFfn(this.spec.layout.experts[e], layer);
    const drop = this.spec.drop;
    if (drop && drop.ratio > 0) {
      const [I, H] = f.gate.shape;
      const d = dropUpcycle({ gate: f.gate.data, up: f.up.data, down: f.down.data, hidden: H, inter: I }, drop.ratio, drop.seed + 7919 * e + 104729 * layer);
      f = { gate: { data: d.gate, shape: f.gate.shape }, up: { data: d.up, shape: f.up.shape }, down: { data: d.down, shape: f.down.shape } };
    }
    return f;
  }

  /** Part of source src's FFN at layer l, permuted by the alignment: one tensor read. */
  private async sourceFfnPart(src: number, layer: number, part: FfnPart): Promise<HostTensor> {
    const p = this.sources[src];
    // The tensor and the axis to permute come from the source's architecture spec (as sourceFfn).
    const spec = modelArchSpec(p.config);
    const name = ffnTensorNames(spec, layer)[part];
    if (!name) throw new InvalidArgumentError(`The architecture spec lists no ${part} tensor for the FFN of layer ${layer}.`);
    const t = await p.getTensor(name);
    const sigma = this.spec.perms?.[src]?.[layer];
    const axis = !sigma ? undefined : ffnAxes(spec, layer).find((a) => a.field === part)?.axis;
    return sigma && axis !== undefined ? { data: permuteAxis(t, axis, sigma).data, shape: [...t.shape] } : t;
  }

  /**
   * Part of the shared expert: the anchor's FFN or the mean of the expert sources' aligned FFNs
   * (fetched one source at a time), with down_proj doubled.
   */
  private async sharedPart(layer: number, part: FfnPart): Promise<HostTensor> {
    let t: HostTensor;
    if (this.spec.layout.sharedExpert === 'anchor') {
      t = await this.sourceFfnPart(this.spec.anchor, layer, part);
    } else {
      const srcs = [...new Set(this.spec.layout.experts)];
      let shape: number[] = [];
      const data = await linearMeanStreamed(srcs.length, async (i) => {
        const x = await this.sourceFfnPart(srcs[i], layer, part);
        shape = x.shape;
        return x.data;
      });
      t = { data, shape };
    }
    return part === 'down' ? { data: Float32Array.from(t.data, (v) => 2 * v), shape: t.shape } : t;
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
        return this.ffnPart(layer, e, name === n.gate ? 'gate' : name === n.up ? 'up' : 'down', () => this.expert(layer, e));
      }
    }
    if (cfg.moe!.sharedExpertIntermediateSize > 0) {
      const n = ffnNames(cfg, layer, 'shared');
      if (name === n.gate || name === n.up || name === n.down) {
        return this.sharedPart(layer, name === n.gate ? 'gate' : name === n.up ? 'up' : 'down');
      }
    }
    throw new InvalidArgumentError(`The merged model has no tensor "${name}".`);
  }
}
