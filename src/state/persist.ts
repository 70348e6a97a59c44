/**
 * What survives a reload: configuration and result summaries (localStorage, through zustand's
 * persist middleware). Not persisted: the GPU report, progress, running flags, loading state,
 * errors, the permutation view (fetched on demand), and the access token unless the user ticked
 * "remember". A stage that was running when the page closed comes back as not started.
 */
import type { PersistOptions, PersistStorage, StorageValue } from 'zustand/middleware';
import type { TrainStep } from '../workers/studio-types';
import type { StageId, StageStatus } from './stages';
import type { StudioState } from './store';

export const PERSIST_KEY = 'symphony-studio';
export const PERSIST_VERSION = 1;

interface SyncStorage {
  getItem: (k: string) => string | null;
  setItem: (k: string, v: string) => void;
  removeItem: (k: string) => void;
}

const memory = new Map<string, string>();
const memoryStorage: SyncStorage = {
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => void memory.set(k, v),
  removeItem: (k) => void memory.delete(k),
};

/** localStorage when present (browser), else memory (Node tests); a full quota never throws. */
function storage(): SyncStorage {
  const ls = typeof localStorage === 'undefined' ? null : localStorage;
  if (!ls) return memoryStorage;
  return {
    getItem: (k) => ls.getItem(k),
    setItem: (k, v) => {
      try {
        ls.setItem(k, v);
      } catch (e) {
        console.warn('Symphony Studio: could not save the session (storage full?); results stay in this tab only.', e);
      }
    },
    removeItem: (k) => ls.removeItem(k),
  };
}

/**
 * Writes are debounced: progress events (downloads, training steps) change the store many times
 * a second, and serialising the whole session each time would cost more than the step. The
 * last state is written when the page is hidden or closed.
 */
function debouncedJsonStorage<S>(ms = 500): PersistStorage<S> {
  let pending: { name: string; value: StorageValue<S> } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    const { name, value } = pending;
    pending = null;
    storage().setItem(name, JSON.stringify(value));
  };
  if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('pagehide', flush);
  return {
    getItem: (name) => {
      const raw = storage().getItem(name);
      try {
        return raw ? (JSON.parse(raw) as StorageValue<S>) : null;
      } catch {
        return null;
      }
    },
    setItem: (name, value) => {
      pending = { name, value };
      timer ??= setTimeout(flush, ms);
    },
    removeItem: (name) => {
      pending = null;
      storage().removeItem(name);
    },
  };
}

/** Per-step expert loads are kept for the last step only (the chart shows the latest). */
function lightHistory(h: TrainStep[]): TrainStep[] {
  return h.map((s, i) => (i === h.length - 1 ? s : { ...s, expertLoad: [] }));
}

/** The persisted part of the state (pure; exported for tests). */
export function persistedPart(s: StudioState) {
  const stageStatus = Object.fromEntries(
    Object.entries(s.stageStatus).map(([k, v]) => [k, v === 'running' ? 'idle' : v]),
  ) as Record<StageId, StageStatus>;
  return {
    activeStage: s.activeStage,
    stageStatus,
    catalog: s.catalog,
    entries: s.entries,
    summaries: s.summaries,
    report: s.report,
    anchor: s.anchor,
    expertOrder: s.expertOrder,
    rememberToken: s.rememberToken,
    hubToken: s.rememberToken ? s.hubToken : null,
    hubUrl: s.hubUrl,
    calibration: s.calibration,
    calibrationSummary: s.calibrationSummary,
    alignPartial: s.alignPartial,
    alignment: s.alignment,
    alignPick: s.alignPick,
    cka: s.cka,
    ckaView: s.ckaView,
    mergeConfig: s.mergeConfig,
    built: s.built,
    trainConfig: s.trainConfig,
    trainHistory: lightHistory(s.trainHistory),
    trainHistoryModel: s.trainHistoryModel,
    trainSummaries: Object.fromEntries(Object.entries(s.trainSummaries).map(([k, v]) => [k, { ...v, history: lightHistory(v.history) }])),
    evalRows: s.evalRows,
    evalHeldOut: s.evalHeldOut,
    routeModel: s.routeModel,
    routeText: s.routeText,
    tokenRouting: s.tokenRouting,
    playground: s.playground,
    exportConfig: s.exportConfig,
  };
}

export type PersistedStudio = ReturnType<typeof persistedPart>;

export const persistOptions: PersistOptions<StudioState, PersistedStudio> = {
  name: PERSIST_KEY,
  version: PERSIST_VERSION,
  storage: debouncedJsonStorage<PersistedStudio>(),
  partialize: persistedPart,
  // Anything from another version is dropped rather than half-applied.
  migrate: () => ({}) as PersistedStudio,
};
