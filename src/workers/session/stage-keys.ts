/**
 * Content keys of the session's stages and the writes of their outputs to the stage cache
 * (stage-cache.ts). Keys chain: sources (ids, revisions, configs, sizes) -> calibration (its
 * request, the anchor) -> alignment (the aligned fraction) -> CKA (the expert order) and merge
 * (its request, experts, domains) -> training per model and evaluation. Nothing is written when
 * the session has no stage cache.
 */
import { contentKey } from '../../core/recipe/hash';
import type { Checkpoint } from '../../io/checkpoint';
import type { CalibrationSet } from '../../merge/calibrate';
import type { MatchResult } from '../../merge/match';
import type { AlignmentSummary, CalibrationRequest, CkaSummary, EvalRow, MergeRequest } from '../studio-types';
import { stageKey, type CachedStage } from './stage-cache';
import type { StudioSession } from './state';

export interface CachedCalibration { cal: CalibrationSet; domains: string[] }
export interface CachedAlignment { match: MatchResult; alignment: AlignmentSummary; partial: number; layerCka: Float64Array | null }
export interface CachedMerge { request: MergeRequest; routers: Record<string, Float32Array[]> }
export interface CachedEvaluation { rows: EvalRow[]; trainedSteps: Record<string, number> }

export function sourcesKey(checkpoints: readonly Checkpoint[]): Promise<string> {
  return contentKey('sources', checkpoints.map((c) => ({
    id: c.source.id, kind: c.source.kind, revision: c.source.revision, config: c.config.raw, sizes: c.sizes,
  })));
}

export const calibrationKey = (s: StudioSession, req: CalibrationRequest): Promise<string> | null =>
  s.keys.sources ? stageKey('calibration', { req, anchor: s.anchor }, [s.keys.sources]) : null;
export const alignmentKey = (s: StudioSession, partial: number): Promise<string> | null =>
  s.keys.calibration ? stageKey('alignment', { partial }, [s.keys.calibration]) : null;
export const ckaKey = (s: StudioSession): Promise<string> | null =>
  s.keys.alignment ? stageKey('cka', { experts: s.experts }, [s.keys.alignment]) : null;
export const mergeKey = (s: StudioSession, req: MergeRequest): Promise<string> | null =>
  s.keys.alignment ? stageKey('merge', { req, experts: s.experts, domains: s.domains }, [s.keys.alignment]) : null;
export const trainKey = (s: StudioSession, model: string): Promise<string> | null =>
  s.keys.merge ? stageKey('train', { model }, [s.keys.merge]) : null;
export const evaluationKey = (s: StudioSession): Promise<string> | null =>
  s.keys.merge ? stageKey('evaluate', {}, [s.keys.merge]) : null;

/** Store `value` under `key` when there is a cache and a key. */
/** Store a stage's output; false when the cache refused it (over its bound, or the quota), null when there is no cache or key. */
export async function saveStage(s: StudioSession, stage: CachedStage, key: Promise<string> | string | null, value: unknown): Promise<boolean | null> {
  const k = await key;
  return s.deps.stages && k ? s.deps.stages.put(stage, k, value) : null;
}

export async function saveCalibration(s: StudioSession, req: CalibrationRequest): Promise<void> {
  s.keys.calibration = await calibrationKey(s, req);
  await saveStage(s, 'calibration', s.keys.calibration, { cal: s.requireCalibration(), domains: s.calibrationDomains } satisfies CachedCalibration);
}

export async function saveAlignment(s: StudioSession): Promise<void> {
  s.keys.alignment = await alignmentKey(s, s.alignPartial);
  const value: CachedAlignment = { match: s.requireMatch(), alignment: s.alignment!, partial: s.alignPartial, layerCka: s.layerCka };
  await saveStage(s, 'alignment', s.keys.alignment, value);
}

export async function saveCka(s: StudioSession, cka: CkaSummary): Promise<void> {
  await saveStage(s, 'cka', ckaKey(s), cka);
}

export async function saveMerge(s: StudioSession, request: MergeRequest): Promise<void> {
  s.keys.merge = await mergeKey(s, request);
  const routers: Record<string, Float32Array[]> = {};
  for (const [id, m] of s.models) if (m.routers) routers[id] = m.routers;
  await saveStage(s, 'merge', s.keys.merge, { request, routers } satisfies CachedMerge);
}

export async function saveEvaluation(s: StudioSession): Promise<void> {
  const trainedSteps = Object.fromEntries([...s.training].map(([id, t]) => [id, t.steps]));
  await saveStage(s, 'evaluate', evaluationKey(s), { rows: s.evaluations, trainedSteps } satisfies CachedEvaluation);
}
