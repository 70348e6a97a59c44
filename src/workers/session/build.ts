/**
 * Merge-stage handlers: build Symphony and the baselines of METHOD.md section 4 from the
 * aligned sources (naive upcycling, BTX, Drop-Upcycling, Symphony with an aligned-mean shared
 * expert and, beside it, the same without alignment), each with its own router weights.
 */
import { InvalidArgumentError } from '../../core/errors';
import { MergedWeights, type MergeSpec } from '../../merge/merged-weights';
import { centroidRouters, randomRouters, type RouterWeights } from '../../merge/router-init';
import { tokenMap } from '../../merge/checkpoint-weights';
import type { ModelConfig } from '../../model/config';
import type { HandlerContext } from '../rpc';
import type { ProgressEvent } from '../protocol';
import type { BaselineId, BuiltModel, MergeRequest } from '../studio-types';
import type { StudioSession } from './state';
import { saveMerge } from './stage-keys';

export function parameterCount(c: ModelConfig): number {
  const H = c.hiddenSize;
  const attn = H * c.numHeads * c.headDim * 2 + H * c.numKvHeads * c.headDim * 2 + (c.attentionBias ? c.numHeads * c.headDim + 2 * c.numKvHeads * c.headDim : 0);
  const moe = c.moe;
  const ffn = moe
    ? moe.numExperts * 3 * H * moe.expertIntermediateSize + 3 * H * moe.sharedExpertIntermediateSize + (moe.sharedExpertIntermediateSize ? H : 0) + moe.numExperts * H
    : 3 * H * c.intermediateSize;
  return c.numLayers * (attn + ffn + 2 * H) + c.vocabSize * H * (c.tieWordEmbeddings ? 1 : 2) + H;
}

const LABELS: Record<BaselineId, string> = {
  symphony: 'Symphony (SLERP backbone, aligned experts)',
  'symphony-shared': 'Symphony + aligned-mean shared expert',
  btx: 'BTX (linear backbone, FFNs as they are)',
  'drop-upcycling': 'Drop-Upcycling (BTX + re-initialised neurons)',
  'naive-upcycling': 'Naive upcycling (anchor FFN copied)',
};

/** Router weights per layer for the layout's experts: centroids of their calibration domains when every expert has one. */
async function routersFor(s: StudioSession, req: MergeRequest, ctx: HandlerContext<ProgressEvent>): Promise<RouterWeights> {
  const cfg = s.sources[s.anchor].weights.config;
  const E = s.experts.length;
  if (req.routerInit === 'random') return randomRouters(cfg.numLayers, E, cfg.hiddenSize, req.seed);
  const cal = s.requireCalibration();
  const groups = s.experts.map((e) => {
    const d = s.calibrationDomains.indexOf(s.domains[e] ?? '');
    return d < 0 ? [] : cal.windows.filter((_, i) => cal.domainOf[i] === d);
  });
  if (groups.some((g) => g.length === 0)) {
    throw new InvalidArgumentError('Centroid routers need a calibration domain for every expert: set each source\'s domain (Sources stage) to one of the calibration domains, or choose random routers.');
  }
  const backend = await s.deps.backend();
  const map = s.anchor === 0 ? null : tokenMap(s.vocab!.fromUnion[s.anchor]);
  return centroidRouters(s.sources[s.anchor].weights, groups.map((g) => (map ? g.map(map) : g)), {
    backend, signal: ctx.signal, progress: (e) => ctx.progress({ stage: 'router-init', done: e.done, total: e.total }),
  });
}

export async function merge(s: StudioSession, req: MergeRequest, ctx: HandlerContext<ProgressEvent>): Promise<BuiltModel[]> {
  s.requireSources();
  s.requireMatch();
  if (!(req.topK >= 1 && req.topK <= s.experts.length)) throw new InvalidArgumentError(`top-k must lie in 1..${s.experts.length} (the number of experts).`);
  const routers = await routersFor(s, req, ctx);
  const built = installModels(s, req, () => routers.map((r) => r.slice()), (done, total, label) => ctx.progress({ stage: 'merge', done, total, message: label }));
  await saveMerge(s, req);
  return built;
}

/**
 * Build the request's models over the aligned sources (lazy MergedWeights) with the router
 * weights `routersOf(id)` (each model owns its copy: training one must not move another), and
 * the sources as dense models beside them.
 */
export function installModels(
  s: StudioSession, req: MergeRequest, routersOf: (id: string) => Float32Array[], onModel?: (done: number, total: number, label: string) => void,
): BuiltModel[] {
  const sources = s.requireSources();
  const match = s.requireMatch();
  s.mergeRequest = req;
  const weights = sources.map((x) => x.weights);
  const vocab = { size: s.vocab!.tokens.length, fromUnion: s.vocab!.fromUnion };
  const layout = { experts: s.experts, topK: req.topK, normTopkProb: req.normTopkProb, sharedExpert: 'none' as const };
  const wanted = ['symphony', ...req.baselines.filter((b) => b !== 'symphony')] as BaselineId[];
  const specs: { id: string; kind: BaselineId; label: string; spec: Omit<MergeSpec, 'router'> }[] = [];
  for (const b of wanted) {
    if (b === 'symphony') specs.push({ id: b, kind: b, label: LABELS[b], spec: { anchor: s.anchor, backbone: req.backbone, layout, perms: match.perms, vocab } });
    if (b === 'btx') specs.push({ id: b, kind: b, label: LABELS[b], spec: { anchor: s.anchor, backbone: { rule: 'linear', slerpT: 0.5 }, layout, vocab } });
    if (b === 'drop-upcycling') {
      specs.push({ id: b, kind: b, label: `${LABELS[b].slice(0, -1)}, r = ${req.dropRatio})`, spec: { anchor: s.anchor, backbone: { rule: 'linear', slerpT: 0.5 }, layout, vocab, drop: { ratio: req.dropRatio, seed: req.seed } } });
    }
    if (b === 'naive-upcycling') {
      specs.push({ id: b, kind: b, label: LABELS[b], spec: { anchor: s.anchor, backbone: { rule: 'anchor', slerpT: 0 }, layout: { ...layout, experts: s.experts.map(() => s.anchor) }, vocab } });
    }
    if (b === 'symphony-shared') {
      const shared = { ...layout, sharedExpert: 'aligned-mean' as const };
      specs.push({ id: b, kind: b, label: LABELS[b], spec: { anchor: s.anchor, backbone: req.backbone, layout: shared, perms: match.perms, vocab } });
      specs.push({ id: 'symphony-shared-unaligned', kind: b, label: 'Symphony + mean shared expert, NOT aligned', spec: { anchor: s.anchor, backbone: req.backbone, layout: shared, perms: null, vocab } });
    }
  }
  for (const [id, m] of s.models) if (m.built.kind !== 'source') s.models.delete(id);
  s.training.clear();
  s.trainRequests.clear();
  s.evaluations = [];
  const built: BuiltModel[] = [];
  specs.forEach(({ id, kind, label, spec }, i) => {
    const own = routersOf(id);
    const w = new MergedWeights(weights, { ...spec, router: (l) => own[l] });
    const b: BuiltModel = { id, label, kind, experts: w.config.moe!.numExperts, topK: req.topK, parameters: parameterCount(w.config), trained: false };
    s.models.set(id, { built: b, weights: w, routers: own, untrained: w });
    built.push(b);
    onModel?.(i + 1, specs.length, label);
  });
  for (const [i, src] of sources.entries()) {
    const id = `source:${src.summary.id}`;
    s.models.set(id, { built: { id, label: src.summary.id, kind: 'source', experts: 1, topK: 1, parameters: src.summary.parameters, trained: false }, weights: src.weights, sourceIndex: i });
  }
  return [...s.models.values()].map((m) => m.built);
}
