/**
 * Sources stage handlers: the demo catalog, loading sources (demo, Hub, local files) into
 * checkpoints with progress, the mergeability report, and the roles (anchor, expert order,
 * domain per source).
 */
import { checkMergeability } from '../../core/arch/mergeability';
import { InvalidArgumentError, throwIfAborted } from '../../core/errors';
import { unionVocabularies } from '../../core/tokenizer/vocab-union';
import { openSource, tensorShapes, type Checkpoint } from '../../io/index';
import { CheckpointWeights } from '../../merge/checkpoint-weights';
import type { HandlerContext } from '../rpc';
import type { DemoCatalog, LoadProgress, MergeReport, SourceRef, SourceSummary } from '../studio-types';
import { toCatalog } from './assets';
import type { StudioSession } from './state';
import { sourcesKey } from './stage-keys';

export async function demoCatalog(s: StudioSession): Promise<DemoCatalog> {
  return toCatalog(await s.deps.demo.catalog());
}

export async function loadSources(
  s: StudioSession, refs: SourceRef[], ctx: HandlerContext<LoadProgress>,
): Promise<{ sources: SourceSummary[]; report: MergeReport }> {
  if (refs.length === 0) throw new InvalidArgumentError('Add at least one model (a Hub ID, local files or the demo family).');
  const catalog = refs.some((r) => r.kind === 'demo') ? await s.deps.demo.catalog() : null;
  const loaded: Checkpoint[] = [];
  for (const ref of refs) {
    throwIfAborted(ctx.signal);
    const onProgress = (event: LoadProgress['event']): void => ctx.progress({ source: ref.id, event });
    if (ref.kind === 'demo') loaded.push(await s.deps.demo.open(ref.id, { signal: ctx.signal, onProgress }));
    else if (ref.kind === 'local') {
      if (!ref.files?.length) throw new InvalidArgumentError(`No files were given for ${ref.id}; pick the model's folder or drop its files.`);
      loaded.push(await openSource({ kind: 'local', files: ref.files, label: ref.id }, { signal: ctx.signal, onProgress }));
    } else {
      loaded.push(await openSource({ kind: 'hub', ref: ref.id, revision: ref.revision }, {
        signal: ctx.signal, onProgress, hubUrl: ref.hubUrl, accessToken: ref.token, cache: s.deps.cache,
      }));
    }
  }
  // Only now that every source loaded is the previous state replaced (nothing half-loaded).
  const report = checkMergeability(loaded.map((c) => ({ label: c.source.id, config: c.config, tensors: tensorShapes(c) })));
  s.sources = loaded.map((c) => {
    const info = catalog?.models.find((m) => m.id === c.source.id);
    const cfg = c.config;
    const summary: SourceSummary = {
      id: c.source.id, kind: c.source.kind === 'folder' ? 'local' : c.source.kind, revision: c.source.revision,
      modelType: cfg.modelType, parameters: c.sizes.parameters, tensorBytes: c.sizes.tensorBytes,
      hiddenSize: cfg.hiddenSize, intermediateSize: cfg.intermediateSize, numLayers: cfg.numLayers, vocabSize: cfg.vocabSize,
      domain: info?.domain ?? null, description: info?.description ?? null,
    };
    return { summary, checkpoint: c, weights: new CheckpointWeights(c), tokenizer: c.tokenizer() };
  });
  s.anchor = 0;
  s.experts = s.sources.map((_, i) => i);
  s.domains = s.sources.map((x) => x.summary.domain);
  s.vocab = unionVocabularies(s.sources.map((x) => x.tokenizer.vocab), 0);
  s.models.clear();
  s.resetDerived('calibration');
  s.keys.sources = await sourcesKey(loaded);
  return { sources: s.sources.map((x) => x.summary), report };
}

export function setRoles(s: StudioSession, p: { anchor: number; experts: number[]; domains: (string | null)[] }): null {
  const n = s.requireSources().length;
  if (!(p.anchor >= 0 && p.anchor < n)) throw new InvalidArgumentError(`The anchor must be one of the ${n} sources.`);
  if (p.experts.length === 0 || p.experts.some((e) => !(e >= 0 && e < n))) throw new InvalidArgumentError('Every expert must be one of the loaded sources.');
  if (p.domains.length !== n) throw new InvalidArgumentError('Give one domain (or none) per source.');
  const changedAnchor = p.anchor !== s.anchor;
  s.anchor = p.anchor;
  s.experts = [...p.experts];
  s.domains = [...p.domains];
  if (changedAnchor) {
    s.vocab = unionVocabularies(s.sources.map((x) => x.tokenizer.vocab), p.anchor);
    s.resetDerived('calibration');
  } else {
    s.resetDerived('models');
  }
  return null;
}
