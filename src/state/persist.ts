/**
 * What survives a reload: configuration and result summaries (localStorage, through zustand's
 * persist middleware). Not persisted: the GPU report, progress, running flags, loading state,
 * errors, the permutation view (fetched on demand), and the access token unless the user ticked
 * "remember". A stage that was running when the page closed comes back as not started.
 */
import { createJSONStorage, type PersistOptions, type StateStorage } from 'zustand/middleware';
import type { StageId, StageStatus } from './stages';
import type { StudioState } from './store';

export const PERSIST_KEY = 'symphony-studio';
export const PERSIST_VERSION = 1;

const memory = new Map<string, string>();
const memoryStorage: StateStorage = {
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => void memory.set(k, v),
  removeItem: (k) => void memory.delete(k),
};

/** localStorage when present (browser), else memory (Node tests); a full quota never throws. */
function storage(): StateStorage {
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
    trainHistory: s.trainHistory,
    trainHistoryModel: s.trainHistoryModel,
    trainSummaries: s.trainSummaries,
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
  storage: createJSONStorage(storage),
  partialize: persistedPart,
  // Anything from another version is dropped rather than half-applied.
  migrate: () => ({}) as PersistedStudio,
};
