/**
 * Calibration, alignment and CKA handlers. Calibration text is tokenized with the anchor's
 * tokenizer (the merged vocabulary keeps the anchor's ids); each source reads the windows in its
 * own ids through the vocabulary union.
 */
import { InvalidArgumentError } from '../../core/errors';
import { maxAbsDiff } from '../../core/testing/compare';
import { buildCalibration, type CalibrationDomain } from '../../merge/calibrate';
import { expertCka, layerCka } from '../../merge/cka';
import { tokenMap } from '../../merge/checkpoint-weights';
import { matchNeurons, type MatchResult } from '../../merge/match';
import { MergedWeights } from '../../merge/merged-weights';
import { probe } from '../../merge/probe';
import { randomRouters } from '../../merge/router-init';
import { Transformer } from '../../model/transformer';
import type { HandlerContext } from '../rpc';
import type { ProgressEvent } from '../protocol';
import type { AlignmentSummary, CalibrationRequest, CalibrationSummary, CkaSummary } from '../studio-types';
import type { StudioSession } from './state';
import { saveAlignment, saveCalibration, saveCka } from './stage-keys';

export function sourceIdMaps(s: StudioSession): (((ids: Int32Array) => Int32Array) | null)[] {
  const v = s.vocab!;
  return s.sources.map((_, i) => (i === s.anchor ? null : tokenMap(v.fromUnion[i])));
}

export async function calibrate(s: StudioSession, req: CalibrationRequest, ctx: HandlerContext<ProgressEvent>): Promise<CalibrationSummary> {
  const sources = s.requireSources();
  if (req.domains.length === 0) throw new InvalidArgumentError('Choose at least one calibration domain.');
  const catalog = req.domains.some((d) => d.builtin) ? await s.deps.demo.catalog() : null;
  const domains: CalibrationDomain[] = [];
  for (const d of req.domains) {
    let docs = d.documents ?? [];
    if (d.builtin) {
      const c = catalog!.corpora.find((x) => x.domain === d.name && x.split === 'train') ?? catalog!.corpora.find((x) => x.domain === d.name);
      if (!c) throw new InvalidArgumentError(`There is no built-in text for the domain "${d.name}".`);
      docs = [...docs, ...(await s.deps.demo.documents(c.path))];
    }
    if (docs.length === 0) throw new InvalidArgumentError(`Domain "${d.name}" has no text: paste or upload some, or pick a built-in set.`);
    domains.push({ name: d.name, documents: docs });
    ctx.progress({ stage: 'calibration', done: domains.length, total: req.domains.length, message: d.name });
  }
  const cal = await buildCalibration(sources[s.anchor].tokenizer, domains, req.tokensPerDomain, req.seqLen, ctx.signal);
  s.resetDerived('calibration');
  s.calibration = cal;
  s.calibrationDomains = domains.map((d) => d.name);
  await saveCalibration(s, req);
  return { seqLen: cal.seqLen, windows: cal.windows.length, domains: cal.domains, contentHash: cal.contentHash };
}

export async function align(s: StudioSession, p: { partial: number }, ctx: HandlerContext<ProgressEvent>): Promise<AlignmentSummary> {
  const sources = s.requireSources();
  const cal = s.requireCalibration();
  if (!(p.partial > 0 && p.partial <= 1)) throw new InvalidArgumentError('The aligned fraction must lie in (0, 1].');
  const backend = await s.deps.backend();
  const weights = sources.map((x) => x.weights);
  // gpuMoments: on the WebGPU backend the FFN activations are accumulated on the GPU (no readback).
  // keepGpuMoments: the match stage then computes the correlations, best-k candidates and the
  // certificate's dense pass on the GPU too (only the sparse assignment core runs on the host).
  const pr = await probe(weights, cal.windows, { anchor: s.anchor, mapIds: sourceIdMaps(s), residual: sources.length * sources[0].summary.numLayers <= 128, gpuMoments: true, keepGpuMoments: true }, {
    backend, signal: ctx.signal, progress: (e) => ctx.progress({ stage: 'probe', done: e.done, total: e.total, message: e.message }),
  });
  let m: MatchResult;
  try {
    m = await matchNeurons(pr, s.anchor, { partial: p.partial, weights }, { backend, signal: ctx.signal, progress: (e) => ctx.progress({ stage: 'match', done: e.done, total: e.total, message: e.message }) });
  } finally {
    pr.gpuFfn?.dispose();
    delete pr.gpuFfn;
  }
  s.match = m;
  s.keys.merge = null;
  s.layerCka = layerCka(pr);
  s.alignPartial = p.partial;
  s.cka = null;
  // Function preservation: an MoE of separate experts computes the same with and without alignment.
  const cfg = sources[s.anchor].weights.config;
  const routers = randomRouters(cfg.numLayers, s.experts.length, cfg.hiddenSize, 1, 0.5);
  const spec = {
    anchor: s.anchor, backbone: { rule: 'symphony' as const, slerpT: 0.5 }, vocab: { size: s.vocab!.tokens.length, fromUnion: s.vocab!.fromUnion },
    layout: { experts: s.experts, topK: Math.min(2, s.experts.length), normTopkProb: false, sharedExpert: 'none' as const }, router: (l: number) => routers[l],
  };
  const windows = cal.windows.slice(0, 2);
  const logits = async (perms: typeof m.perms | null): Promise<Float32Array> => {
    const model = new Transformer(backend, new MergedWeights(weights, { ...spec, perms }));
    const parts: Float32Array[] = [];
    for (const w of windows) parts.push((await model.logits(w)).logits);
    model.dispose();
    return Float32Array.from(parts.flatMap((x) => [...x]));
  };
  const withAlign = await logits(m.perms);
  const preservation = maxAbsDiff(withAlign, await logits(null));
  let scale = 0;
  for (const v of withAlign) scale = Math.max(scale, Math.abs(v));
  // f32 sums taken in another order differ by a few ulps of the largest logit.
  const relative = preservation / Math.max(1, scale);
  s.alignment = {
    anchor: s.anchor, tokens: pr.tokens, width: cfg.intermediateSize, functionPreservation: preservation,
    functionPreservationRelative: relative,
    layers: m.layers.map(({ sigma: _sigma, matched: _m, objective: _o, ...rest }) => rest),
  };
  await saveAlignment(s);
  return s.alignment;
}

export function permutation(s: StudioSession, p: { model: number; layer: number }): { sigma: number[]; matched: number[] } {
  const m = s.requireMatch();
  const d = m.layers.find((x) => x.model === p.model && x.layer === p.layer);
  if (!d) throw new InvalidArgumentError(`No permutation for model ${p.model}, layer ${p.layer} (the anchor has none).`);
  return { sigma: [...d.sigma], matched: [...d.matched] };
}

export async function cka(s: StudioSession, ctx: HandlerContext<ProgressEvent>): Promise<CkaSummary> {
  const sources = s.requireSources();
  const m = s.requireMatch();
  const cal = s.requireCalibration();
  const backend = await s.deps.backend();
  const cfg = sources[s.anchor].weights.config;
  const routers = randomRouters(cfg.numLayers, s.experts.length, cfg.hiddenSize, 2, 0.5);
  const spec = {
    anchor: s.anchor, backbone: { rule: 'symphony' as const, slerpT: 0.5 }, vocab: { size: s.vocab!.tokens.length, fromUnion: s.vocab!.fromUnion },
    layout: { experts: s.experts, topK: Math.min(2, s.experts.length), normTopkProb: false, sharedExpert: 'none' as const }, router: (l: number) => routers[l],
  };
  const weights = sources.map((x) => x.weights);
  const windows = cal.windows.slice(0, Math.min(cal.windows.length, 8));
  const progress = (e: { done: number; total: number }, what: string) => ctx.progress({ stage: 'cka', done: e.done, total: e.total, message: what });
  const on = await expertCka(new MergedWeights(weights, { ...spec, perms: m.perms }), windows, { backend, signal: ctx.signal, progress: (e) => progress(e, 'aligned') });
  const off = await expertCka(new MergedWeights(weights, spec), windows, { backend, signal: ctx.signal, progress: (e) => progress(e, 'unaligned') });
  let maxDifference = 0;
  on.forEach((x, l) => (maxDifference = Math.max(maxDifference, maxAbsDiff(x, off[l]))));
  const lc = s.layerCka;
  s.cka = {
    experts: s.experts.map((e) => sources[e].summary.domain ?? sources[e].summary.id),
    aligned: on.map((x) => [...x]), unaligned: off.map((x) => [...x]), maxDifference,
    layers: lc ? [...lc] : [], models: sources.map((x) => x.summary.id), numLayers: cfg.numLayers,
  };
  await saveCka(s, s.cka);
  return s.cka;
}
