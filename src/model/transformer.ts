/**
 * The transformer engine: a dense or MoE decoder (qwen2, llama, mistral, qwen2_moe, mixtral) on a
 * ComputeBackend with layer-streaming execution. Hidden states [rows, H] stay on the backend
 * between layers; each layer's weights are fetched from the WeightProvider, uploaded, used and
 * released (unless `keepLayers`, e.g. for a generation playground), so resident memory is one
 * layer plus embeddings, final norm and LM head. A batch is a list of independent sequences
 * (each starts at position 0) whose rows are concatenated. Reference: HF transformers
 * (scripts/goldens/make_engine_goldens.py writes the goldens the tests compare against).
 */
import type { BackendTensor, ComputeBackend, RopeTable, Routing } from '../core/backend';
import { InvalidArgumentError, throwIfAborted } from '../core/errors';
import { DEFAULT_VOCAB_CHUNK } from '../core/ref/crossentropy';
import { ropeTable } from '../core/ref/rope';
import type { ModelConfig } from './config';
import { decoderLayer, type KvCache, type Segment } from './layer';
import type { RouteOverride, Taps } from './taps';
import { loadGlobals, loadLayer, releaseLayer, type GlobalWeights, type LayerWeights, type WeightProvider } from './weights';

export interface ForwardOptions<T extends BackendTensor> {
  taps?: Taps<T>;
  signal?: AbortSignal;
  routeOverride?: RouteOverride;
  /** Run every expert on every token (implied by taps.expertOutput). */
  denseExperts?: boolean;
  /** Called after each layer (progress bars). */
  onLayer?: (layer: number, numLayers: number) => void;
}

export interface HiddenResult<T> {
  /** Final-normed hidden states [rows, H] (the LM head's input); the caller releases it. */
  hidden: T;
  /** Routing decisions per layer (null for dense layers), rows in batch order. */
  routing: (Routing | null)[];
  segments: Segment[];
}

export class Transformer<T extends BackendTensor> {
  readonly config: ModelConfig;
  readonly rope: RopeTable;
  private globals: GlobalWeights<T> | null = null;
  private readonly kept = new Map<number, LayerWeights<T>>();

  constructor(
    readonly backend: ComputeBackend<T>,
    readonly weights: WeightProvider,
    readonly opts: { keepLayers?: boolean } = {},
  ) {
    this.config = weights.config;
    this.rope = ropeTable(this.config.headDim, this.config.ropeTheta, this.config.ropeScaling);
  }

  private async globalsOnce(): Promise<GlobalWeights<T>> {
    this.globals ??= await loadGlobals(this.backend, this.weights);
    return this.globals;
  }

  private async layer(l: number): Promise<LayerWeights<T>> {
    const hit = this.kept.get(l);
    if (hit) return hit;
    const w = await loadLayer(this.backend, this.weights, l);
    if (this.opts.keepLayers) this.kept.set(l, w);
    return w;
  }

  private doneWith(w: LayerWeights<T>): void {
    if (!this.opts.keepLayers) releaseLayer(this.backend, w);
  }

  /** Run all layers on a batch of sequences (or one sequence continuing `cache`). */
  async hidden(batch: Int32Array[], opts: ForwardOptions<T> = {}, cache: KvCache<T> | null = null): Promise<HiddenResult<T>> {
    const cfg = this.config;
    const be = this.backend;
    if (batch.length === 0 || batch.some((s) => s.length === 0)) throw new InvalidArgumentError('forward needs at least one non-empty sequence');
    if (cache && batch.length !== 1) throw new InvalidArgumentError('a KV cache holds one sequence; pass one sequence with it');
    const segments: Segment[] = [];
    let n = 0;
    for (const s of batch) {
      segments.push({ start: n, length: s.length });
      n += s.length;
    }
    const ids = new Int32Array(n);
    const positions = new Int32Array(n);
    const offset = cache?.length ?? 0;
    batch.forEach((s, i) => {
      ids.set(s, segments[i].start);
      for (let j = 0; j < s.length; j++) positions[segments[i].start + j] = offset + j;
    });
    const g = await this.globalsOnce();
    let x = await be.embedding(g.embed, ids);
    const taps = opts.taps ?? {};
    const routing: (Routing | null)[] = [];
    try {
      for (let l = 0; l < cfg.numLayers; l++) {
        throwIfAborted(opts.signal);
        const w = await this.layer(l);
        try {
          const r = await decoderLayer(
            {
              be, cfg, rope: this.rope, layer: l, positions, segments, cache, taps,
              routeOverride: opts.routeOverride, denseExperts: opts.denseExperts ?? false,
            },
            w, x,
          );
          x = r.x;
          routing.push(r.routing);
        } finally {
          this.doneWith(w);
        }
        opts.onLayer?.(l, cfg.numLayers);
      }
    } catch (e) {
      be.release(x);
      throw e;
    }
    if (cache) cache.length += n;
    const hidden = await be.rmsnorm(x, g.finalNorm, cfg.rmsNormEps);
    be.release(x);
    if (taps.residual) await taps.residual({ layer: cfg.numLayers, point: 'final', x: hidden });
    return { hidden, routing, segments };
  }

  /**
   * Full logits [T, V] of one sequence, read back to the host. This materialises tokens x vocab:
   * for tests and small vocabularies only; evaluation uses `nll`, generation `nextLogits`.
   */
  async logits(seq: Int32Array, opts: ForwardOptions<T> = {}): Promise<{ logits: Float32Array; routing: (Routing | null)[] }> {
    const g = await this.globalsOnce();
    const { hidden, routing } = await this.hidden([seq], opts);
    const lg = await this.backend.linear(hidden, g.lmHead);
    const out = await this.backend.read(lg);
    this.backend.release(hidden, lg);
    return { logits: out, routing };
  }

  /**
   * Per-token NLL of next-token prediction for each sequence: entry i of sequence s is
   * -log p(s[i + 1] | s[0..i]); the last position has no target and is NaN.
   */
  async nll(batch: Int32Array[], opts: ForwardOptions<T> & { vocabChunk?: number } = {}): Promise<Float64Array[]> {
    const g = await this.globalsOnce();
    const { hidden, segments } = await this.hidden(batch, opts);
    const targets = new Int32Array(hidden.shape[0]).fill(-1);
    batch.forEach((s, i) => {
      for (let j = 0; j + 1 < s.length; j++) targets[segments[i].start + j] = s[j + 1];
    });
    const all = await this.backend.lmHeadNll(hidden, g.lmHead, targets, { vocabChunk: opts.vocabChunk ?? DEFAULT_VOCAB_CHUNK });
    this.backend.release(hidden);
    return segments.map((s) => all.slice(s.start, s.start + s.length));
  }

  /** Feed `ids` after the cached context; returns the logits [V] of the last position. */
  async nextLogits(ids: Int32Array, cache: KvCache<T>, opts: ForwardOptions<T> = {}): Promise<Float32Array> {
    const g = await this.globalsOnce();
    const { hidden } = await this.hidden([ids], opts, cache);
    const last = await this.backend.gatherRows(hidden, Int32Array.of(ids.length - 1));
    const lg = await this.backend.linear(last, g.lmHead);
    const out = await this.backend.read(lg);
    this.backend.release(hidden, last, lg);
    return out;
  }

  newCache(): KvCache<T> {
    return { k: Array<T | null>(this.config.numLayers).fill(null), v: Array<T | null>(this.config.numLayers).fill(null), length: 0 };
  }

  releaseCache(c: KvCache<T>): void {
    this.backend.release(...c.k, ...c.v);
    c.k.fill(null);
    c.v.fill(null);
    c.length = 0;
  }

  /** Release every resident tensor (kept layers, embeddings, LM head). */
  dispose(): void {
    for (const w of this.kept.values()) releaseLayer(this.backend, w);
    this.kept.clear();
    if (this.globals) {
      const { embed, finalNorm, lmHead } = this.globals;
      this.backend.release(embed, finalNorm, lmHead === embed ? null : lmHead);
      this.globals = null;
    }
  }
}
