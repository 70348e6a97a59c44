/**
 * Sources slice: the models the user picked (references without File objects or tokens), the
 * engine's summaries and mergeability report, the roles (anchor, expert order, domain per
 * source), the demo catalog, and per-source loading progress. File objects of local sources live
 * outside the store (src/ui/sources/local-files.ts); the access token is here but persisted only
 * when the user ticks "remember".
 */
import type { StateCreator } from 'zustand';
import type { DemoCatalog, LoadProgress, MergeReport, SourceKind, SourceSummary } from '../workers/studio-types';

/** A source as configured: serialisable (local files are attached at load time). */
export interface SourceEntry {
  kind: SourceKind;
  id: string;
  revision?: string;
  /** Domain this source is the expert for (null: none). */
  domain: string | null;
  /** Local sources: file count and total bytes when picked (the files themselves are not stored). */
  localFiles?: { count: number; bytes: number };
}

/** The latest loading state of one source, from LoadProgress events. */
export interface SourceLoadState {
  stage: string;
  message: string;
  file?: string;
  loaded?: number;
  total?: number;
  networkBytes?: number;
  cacheBytes?: number;
  bytesPerSecond?: number;
  etaSeconds?: number | null;
  fromCache?: boolean;
  retry?: string;
}

export interface SourcesSlice {
  catalog: DemoCatalog | null;
  entries: SourceEntry[];
  /** Summaries in the order of `entries` at the last successful load. */
  summaries: SourceSummary[];
  report: MergeReport | null;
  /** Index into entries. */
  anchor: number;
  /** Expert order: indices into entries. */
  expertOrder: number[];
  loadState: Record<string, SourceLoadState>;
  hubToken: string | null;
  rememberToken: boolean;
  /** Custom Hub endpoint (a local mirror); empty = huggingface.co. */
  hubUrl: string;
  setCatalog: (c: DemoCatalog) => void;
  addEntries: (e: SourceEntry[]) => void;
  removeEntry: (index: number) => void;
  setEntryDomain: (index: number, domain: string | null) => void;
  setLoaded: (summaries: SourceSummary[], report: MergeReport) => void;
  setAnchor: (index: number) => void;
  moveExpert: (from: number, to: number) => void;
  onLoadProgress: (p: LoadProgress) => void;
  setToken: (token: string | null, remember: boolean) => void;
  setHubUrl: (url: string) => void;
}

/** Apply one LoadProgress event to the per-source state (pure, exported for tests). */
export function reduceLoadEvent(prev: SourceLoadState | undefined, p: LoadProgress): SourceLoadState {
  const e = p.event;
  const base: SourceLoadState = prev ?? { stage: 'resolving', message: '' };
  if (e.type === 'stage') return { ...base, stage: e.stage, message: e.message };
  if (e.type === 'retry') return { ...base, retry: `${e.reason}: retry ${e.attempt} in ${Math.round(e.delayMs / 100) / 10} s` };
  return {
    ...base, stage: 'downloading', file: e.file, loaded: e.loaded, total: e.total, networkBytes: e.networkBytes,
    cacheBytes: e.cacheBytes, bytesPerSecond: e.bytesPerSecond, etaSeconds: e.etaSeconds, fromCache: e.fromCache, retry: undefined,
  };
}

/** Move item `from` to position `to` (pure). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return [...list];
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

export const createSourcesSlice: StateCreator<SourcesSlice, [], [], SourcesSlice> = (set) => ({
  catalog: null,
  entries: [],
  summaries: [],
  report: null,
  anchor: 0,
  expertOrder: [],
  loadState: {},
  hubToken: null,
  hubUrl: '',
  rememberToken: false,
  setCatalog: (catalog) => set({ catalog }),
  addEntries: (add) =>
    set((s) => {
      const same = (a: SourceEntry, e: SourceEntry) => e.kind === a.kind && e.id === a.id && e.revision === a.revision;
      const fresh = add.filter((a, i) => !s.entries.some((e) => same(a, e)) && add.findIndex((b) => same(a, b)) === i);
      const entries = [...s.entries, ...fresh];
      return { entries, expertOrder: [...s.expertOrder, ...fresh.map((_, i) => s.entries.length + i)], summaries: [], report: null };
    }),
  removeEntry: (index) =>
    set((s) => {
      const entries = s.entries.filter((_, i) => i !== index);
      const expertOrder = s.expertOrder.filter((i) => i !== index).map((i) => (i > index ? i - 1 : i));
      const anchor = s.anchor === index ? 0 : s.anchor > index ? s.anchor - 1 : s.anchor;
      return { entries, expertOrder, anchor, summaries: [], report: null };
    }),
  setEntryDomain: (index, domain) => set((s) => ({ entries: s.entries.map((e, i) => (i === index ? { ...e, domain } : e)) })),
  setLoaded: (summaries, report) => set({ summaries, report }),
  setAnchor: (anchor) => set({ anchor }),
  moveExpert: (from, to) => set((s) => ({ expertOrder: moveItem(s.expertOrder, from, to) })),
  onLoadProgress: (p) => set((s) => ({ loadState: { ...s.loadState, [p.source]: reduceLoadEvent(s.loadState[p.source], p) } })),
  setToken: (hubToken, rememberToken) => set({ hubToken, rememberToken }),
  setHubUrl: (hubUrl) => set({ hubUrl: hubUrl.trim() }),
});
