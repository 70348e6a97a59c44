/** The Sources stage's engine calls: demo catalog, loading, roles. */
import { DEMO_PRESET } from '../../core/recipe/demo-preset';
import { stagesAfter } from '../../state/stages';
import { useStudio } from '../../state/store';
import type { SourceRef } from '../../workers/studio-types';
import { engine } from '../engine';
import { runTask } from '../tasks';
import { localFilesOf } from './local-files';

export function fetchCatalog(): Promise<boolean> {
  return runTask('catalog', (signal) => engine().call('demoCatalog', {}, { signal }), {
    stage: null,
    onDone: (c) => {
      useStudio.getState().setCatalog(c);
      useStudio.getState().syncCatalogDomains(c.domains);
    },
  });
}

/**
 * Replace the source list with the demo family and load it. The preset mirrors the paper's real
 * setting: three experts branched from one base (prose, code, math, like Qwen2.5's Instruct,
 * Coder and Math) plus one independently pre-trained model (like Qwen2), anchored on the most
 * general branched expert; the base itself and the branched expert of the independent one's
 * domain are left out (they stay available in the catalog). The demo's merge and training
 * settings come with it (centroid routers, a short router-only run).
 */
export async function loadDemoFamily(): Promise<void> {
  let catalog = useStudio.getState().catalog;
  if (!catalog) {
    if (!(await fetchCatalog())) return; // the catalog's error shows next to the button
    catalog = useStudio.getState().catalog;
  }
  if (!catalog) return;
  const s = useStudio.getState();
  for (let i = s.entries.length - 1; i >= 0; i--) s.removeEntry(i);
  const independent = catalog.models.filter((m) => m.origin === 'independent');
  const taken = new Set(independent.map((m) => m.domain));
  const preset = [...catalog.models.filter((m) => m.origin === 'branched' && !taken.has(m.domain)), ...independent];
  const models = preset.length >= 2 ? preset : catalog.models;
  s.addEntries(models.map((m) => ({ kind: 'demo', id: m.id, domain: m.domain })));
  s.setAnchor(0);
  // Merge and training settings shown to work on the demo (src/core/recipe/demo-preset.ts).
  s.setMergeConfig({ ...DEMO_PRESET.merge });
  s.setTrainConfig({ ...DEMO_PRESET.train });
  await loadSources();
}

export function loadSources(): Promise<boolean> {
  const s = useStudio.getState();
  const missing = s.entries.filter((e) => e.kind === 'local' && !localFilesOf(e.id));
  if (missing.length) {
    s.setError('sources', {
      code: 'LOCAL_FILES_MISSING',
      message: `The files of ${missing.map((m) => `"${m.id}"`).join(', ')} are not kept across reloads: pick the folder again (or remove that source).`,
    });
    return Promise.resolve(false);
  }
  const refs: SourceRef[] = s.entries.map((e) => ({
    kind: e.kind, id: e.id, revision: e.revision,
    token: e.kind === 'hub' ? s.hubToken ?? undefined : undefined,
    hubUrl: e.kind === 'hub' && s.hubUrl ? s.hubUrl : undefined,
    files: e.kind === 'local' ? localFilesOf(e.id) : undefined,
  }));
  return runTask('sources', (signal) => engine().call('loadSources', { refs }, { signal, onProgress: (p) => useStudio.getState().onLoadProgress(p) }), {
    stage: 'sources',
    onDone: (r) => {
      const st = useStudio.getState();
      const before = st.summaries.map((x) => `${x.id}@${x.revision}`).join('|');
      if (before !== r.sources.map((x) => `${x.id}@${x.revision}`).join('|')) forgetDownstream();
      st.setLoaded(r.sources, r.report);
      st.setEngineHasSources(true);
      // A source whose summary knows its domain (demo manifest) fills in an unset choice.
      r.sources.forEach((src, i) => {
        if (st.entries[i] && st.entries[i].domain === null && src.domain) st.setEntryDomain(i, src.domain);
      });
    },
  });
}

/** Other sources: every later result described the old ones, so it goes. */
function forgetDownstream(): void {
  const st = useStudio.getState();
  for (const id of stagesAfter('sources')) st.setStageStatus(id, 'idle');
  st.setCalibrationSummary(null);
  st.setAlignment(null);
  st.setCka(null);
  st.setBuilt([]);
  st.setEval([]);
  st.setTokenRouting(null);
  useStudio.setState({ trainHistory: [], trainHistoryModel: null, trainSummaries: {}, trainPaused: false, lastExport: null });
}

/** Send anchor, expert order and domains to the engine (before calibration). */
export function applyRoles(): Promise<boolean> {
  const s = useStudio.getState();
  return runTask('roles', (signal) => engine().call('setRoles', {
    anchor: s.anchor, experts: s.expertOrder, domains: s.entries.map((e) => e.domain),
  }, { signal }), { stage: null, onDone: () => undefined });
}
