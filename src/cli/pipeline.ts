/**
 * The stages the `align` and `merge` commands share: load the sources and check that they can be
 * merged, build the calibration windows (anchor's tokenizer, equal share per domain), and align
 * each source's FFN neurons to the anchor's, either through the probe (moments for all layers at
 * once, plus layer x layer CKA when small) or layer-streamed (streamed-align.ts) when the moments
 * would not fit in memory.
 */
import type { BackendTensor } from '../core/backend';
import { checkMergeability, type MergeReport } from '../core/arch/mergeability';
import { unionVocabularies, type VocabUnion } from '../core/tokenizer/vocab-union';
import { tensorShapes, type Checkpoint } from '../io/checkpoint';
import { buildCalibration, type CalibrationDomain, type CalibrationSet } from '../merge/calibrate';
import { layerCka } from '../merge/cka';
import { tokenMap, type CheckpointWeights } from '../merge/checkpoint-weights';
import type { StageContext } from '../merge/context';
import { matchNeurons, type MatchResult } from '../merge/match';
import { probe } from '../merge/probe';
import type { Reporter } from './output';
import { fmtBytes } from './output';
import { NotMergeableError, openSourceArg, sameVocabulary, weightsOf, type SourceOptions } from './sources';
import { streamedAlign, streamedBytes } from './streamed-align';

export interface Loaded {
  checkpoints: Checkpoint[];
  weights: CheckpointWeights[];
  report: MergeReport;
  /** null when every source has the same vocabulary (embeddings merge row by row). */
  vocab: VocabUnion | null;
}

/**
 * Decoded-tensor cache per source: 256 MiB shared by all sources. At scale a cache cannot hold a
 * model anyway (every pass streams layer by layer), so it only saves re-decoding small models.
 */
export const cacheBudget = (n: number): number => Math.floor(256 / Math.max(1, n)) * 2 ** 20;

export async function loadSources(
  refs: readonly string[], anchor: number, o: SourceOptions, rep: Reporter, revisions: readonly (string | undefined)[] = [],
): Promise<Loaded> {
  const checkpoints: Checkpoint[] = [];
  for (const [i, r] of refs.entries()) {
    rep.progress('load', i, refs.length, r);
    checkpoints.push(await openSourceArg(r, { ...o, ...(revisions[i] ? { revision: revisions[i] } : {}), onProgress: (e) => e.type === 'download' && rep.progress('download', e.loaded, e.total, `${e.source} ${e.file}`) }));
  }
  rep.progress('load', refs.length, refs.length);
  const report = checkMergeability(checkpoints.map((c) => ({ label: c.source.id, config: c.config, tensors: tensorShapes(c) })));
  if (!report.mergeable) {
    const why = report.rows.filter((r) => r.severity === 'error').map((r) => `${r.field}: ${r.message} (${r.values.join(' vs ')})`);
    throw new NotMergeableError(`The sources cannot be merged:\n  ${why.join('\n  ')}`);
  }
  for (const r of report.rows) if (r.severity === 'warning') rep.warn(`${r.field}: ${r.message}`);
  const budget = cacheBudget(checkpoints.length);
  const vocab = checkpoints.length > 1 && !sameVocabulary(checkpoints) ? unionVocabularies(checkpoints.map((c) => c.tokenizer().vocab), anchor) : null;
  return { checkpoints, weights: checkpoints.map((c) => weightsOf(c, budget)), report, vocab };
}

/** Per source: its token ids from the anchor's (union) ids; null for the anchor and shared vocabularies. */
export function idMaps(l: Loaded, anchor: number): (((ids: Int32Array) => Int32Array) | null)[] {
  return l.checkpoints.map((_, i) => (l.vocab && i !== anchor ? tokenMap(l.vocab.fromUnion[i]) : null));
}

export async function calibrate(l: Loaded, anchor: number, domains: CalibrationDomain[], tokensPerDomain: number, seqLen: number, rep: Reporter): Promise<CalibrationSet> {
  const cal = await buildCalibration(l.checkpoints[anchor].tokenizer(), domains, tokensPerDomain, seqLen);
  rep.info(`calibration: ${cal.windows.length} windows of ${seqLen} tokens (${cal.domains.map((d) => `${d.name} ${d.tokens}`).join(', ')})`);
  return cal;
}

export type AlignMode = 'auto' | 'moments' | 'streamed';

export interface AlignResult {
  mode: 'moments' | 'streamed';
  tokens: number;
  match: MatchResult;
  /** (models * layers)^2 CKA of the residual streams; null when not computed. */
  layerCka: Float64Array | null;
}

/** Bytes the probe's moments take: cross moments per pair and layer, plus residual CKA moments. */
export function momentBytes(n: number, layers: number, width: number, hidden: number, residual: boolean): number {
  const s = n * layers;
  return layers * (n - 1) * width * width * 8 + (residual ? (s * s * hidden * hidden * 8) / 2 : 0);
}

const MOMENT_LIMIT = 512 * 2 ** 20;
const RESIDUAL_LIMIT = 256 * 2 ** 20;

export async function alignSources<T extends BackendTensor>(
  l: Loaded, anchor: number, windows: readonly Int32Array[], o: { partial: number; chunkWindows: number; mode: AlignMode },
  ctx: StageContext<T>, rep: Reporter,
): Promise<AlignResult> {
  const cfg = l.weights[anchor].config;
  const N = l.weights.length;
  const L = cfg.numLayers;
  const T = windows.reduce((s, w) => s + w.length, 0);
  const residual = momentBytes(N, L, 0, cfg.hiddenSize, true) <= RESIDUAL_LIMIT;
  const moments = momentBytes(N, L, cfg.intermediateSize, cfg.hiddenSize, residual);
  const raw = streamedBytes(N, L, T, cfg.intermediateSize);
  const mode = o.mode !== 'auto' ? o.mode : moments <= MOMENT_LIMIT || moments <= raw ? 'moments' : 'streamed';
  rep.info(`alignment: ${mode} (${mode === 'moments' ? `moments ${fmtBytes(moments)}` : `activations ${fmtBytes(raw)}; all-layer moments would take ${fmtBytes(moments)}`})`);
  const mapIds = idMaps(l, anchor);
  if (mode === 'streamed') {
    const r = await streamedAlign(l.weights, windows, { anchor, partial: o.partial, chunkWindows: o.chunkWindows, mapIds, weightCosine: true }, ctx);
    return { mode, tokens: r.tokens, match: r.match, layerCka: null };
  }
  const pr = await probe(l.weights, windows, { anchor, mapIds, chunkWindows: o.chunkWindows, residual }, ctx);
  const match = await matchNeurons(pr, anchor, { partial: o.partial, weights: l.weights }, ctx);
  return { mode, tokens: pr.tokens, match, layerCka: layerCka(pr) };
}
