/**
 * Restoring a fresh engine from the stage cache (after a reload): the UI re-opens the sources
 * (from the download cache) and sends the requests of the stages it shows as done; each stage
 * whose content key is cached comes back without recomputation, checked against the loaded
 * models. The chain stops at the first stage that is missing or stale: what follows it was
 * computed from it, so it has to be run again.
 */
import { StaleStageError } from '../../io/stage-store';
import type { HandlerContext } from '../rpc';
import type { ProgressEvent } from '../protocol';
import type { CkaSummary, RestoreRequest, RestoreResult, RestoreStage } from '../studio-types';
import { installModels } from './build';
import { fits } from './stage-cache';
import {
  alignmentKey, calibrationKey, ckaKey, evaluationKey, mergeKey,
  type CachedAlignment, type CachedCalibration, type CachedEvaluation, type CachedMerge,
} from './stage-keys';
import type { StudioSession } from './state';
import { restoreTraining } from './train';

type Outcome = RestoreResult['stages'][number];

export async function restoreStages(s: StudioSession, req: RestoreRequest, ctx: HandlerContext<ProgressEvent>): Promise<RestoreResult> {
  const sources = s.requireSources();
  const cfg = sources[s.anchor].weights.config;
  const out: RestoreResult = { stages: [], built: [], training: [] };
  const cache = s.deps.stages;
  let broken = false;
  const total = [req.calibration, req.alignPartial, req.cka || null, req.merge, req.evaluate || null].filter((x) => x !== null).length;
  /** Run one stage's restore unless an earlier one failed; record the outcome. */
  const step = async (stage: RestoreStage, run: () => Promise<boolean>): Promise<boolean> => {
    let o: Outcome;
    if (broken || !cache) o = { stage, status: 'missing' };
    else {
      try {
        o = { stage, status: (await run()) ? 'restored' : 'missing' };
      } catch (e) {
        if (!(e instanceof StaleStageError)) throw e;
        o = { stage, status: 'stale', message: e.message };
      }
    }
    out.stages.push(o);
    ctx.progress({ stage: 'restore', done: out.stages.length, total, message: `${stage}: ${o.status}` });
    if (o.status !== 'restored') broken = true;
    return o.status === 'restored';
  };

  if (req.calibration) {
    const creq = req.calibration;
    await step('calibration', async () => {
      const key = await calibrationKey(s, creq);
      const v = await cache!.restore('calibration', key!, (x) => {
        const c = x as CachedCalibration;
        fits(Boolean(c?.cal?.windows) && c.cal.windows.every((w) => w.length === c.cal.seqLen && w.every((id) => id >= 0 && id < cfg.vocabSize)), 'The cached calibration windows do not fit the anchor\'s vocabulary');
        return c;
      });
      if (!v) return false;
      s.calibration = v.cal;
      s.calibrationDomains = v.domains;
      s.keys.calibration = key;
      return true;
    });
  }
  if (req.alignPartial !== null) {
    const partial = req.alignPartial;
    await step('alignment', async () => {
      const key = await alignmentKey(s, partial);
      const v = await cache!.restore('alignment', key!, (x) => {
        const a = x as CachedAlignment;
        const perms = a?.match?.perms;
        fits(Array.isArray(perms) && perms.length === sources.length, 'The cached alignment has another number of models');
        perms.forEach((byLayer, m) => {
          fits(byLayer.length === cfg.numLayers, 'The cached alignment has another number of layers');
          for (const p of byLayer) {
            if (m === s.anchor) fits(p === null, 'The cached alignment permutes the anchor');
            else fits(p !== null && p.length === sources[m].weights.config.intermediateSize && isPermutation(p), 'A cached permutation does not fit the FFN width');
          }
        });
        return a;
      });
      if (!v) return false;
      s.match = v.match;
      s.alignment = v.alignment;
      s.alignPartial = v.partial;
      s.layerCka = v.layerCka;
      s.keys.alignment = key;
      return true;
    });
  }
  if (req.cka) {
    await step('cka', async () => {
      const v = await cache!.restore('cka', (await ckaKey(s))!, (x) => {
        const c = x as CkaSummary;
        fits(Array.isArray(c?.aligned) && c.aligned.length === cfg.numLayers && c.experts.length === s.experts.length, 'The cached CKA has another shape');
        return c;
      });
      if (!v) return false;
      s.cka = v;
      return true;
    });
  }
  if (req.merge) {
    const mreq = req.merge;
    const merged = await step('merge', async () => {
      const key = await mergeKey(s, mreq);
      const E = s.experts.length;
      const v = await cache!.restore('merge', key!, (x) => {
        const m = x as CachedMerge;
        fits(Boolean(m?.routers?.symphony), 'The cached merge has no Symphony model');
        for (const r of Object.values(m.routers)) fits(r.length === cfg.numLayers && r.every((w) => w.length === E * cfg.hiddenSize), 'The cached router weights do not fit the layout');
        return m;
      });
      if (!v) return false;
      installModels(s, v.request, (id) => v.routers[id] ?? []);
      s.keys.merge = key;
      return true;
    });
    if (merged) {
      for (const [id, m] of s.models) {
        if (m.built.kind === 'source') continue;
        const t = await restoreTraining(s, id).catch((e: unknown) => {
          if (!(e instanceof StaleStageError)) throw e;
          out.stages.push({ stage: 'train', status: 'stale', message: e.message });
          return null;
        });
        if (t) out.training.push({ model: id, summary: t.summary, totalSteps: t.totalSteps, finished: t.finished });
      }
      if (out.training.length) out.stages.push({ stage: 'train', status: 'restored' });
    }
    if (req.train && !out.training.length && !out.stages.some((x) => x.stage === 'train')) out.stages.push({ stage: 'train', status: 'missing' });
  }
  if (req.evaluate) {
    await step('evaluate', async () => {
      const v = await cache!.restore('evaluate', (await evaluationKey(s))!, (x) => {
        const e = x as CachedEvaluation;
        fits(Array.isArray(e?.rows) && e.rows.every((r) => s.models.has(r.model)), 'The cached evaluation names models that were not restored');
        for (const id of new Set([...Object.keys(e.trainedSteps), ...s.training.keys()])) {
          const saw = e.trainedSteps[id] ?? 0;
          fits(saw === (s.training.get(id)?.steps ?? 0), `The cached evaluation saw ${id} after ${saw} training steps, not after the restored ones`);
        }
        return e;
      });
      if (!v) return false;
      s.evaluations = v.rows;
      return true;
    });
  }
  out.built = [...s.models.values()].map((m) => m.built);
  return out;
}

function isPermutation(p: Int32Array): boolean {
  const seen = new Uint8Array(p.length);
  for (const v of p) {
    if (!(v >= 0 && v < p.length) || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}
