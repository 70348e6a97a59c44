/**
 * Run slice: the status of each stage, the inline error of each action (keyed by action, e.g.
 * "alignment" or "evaluate:route", so the error shows where it happened) and the latest progress
 * of running actions. AbortControllers are not here (not serialisable): src/ui/tasks.ts holds them.
 */
import type { StateCreator } from 'zustand';
import type { RestoreResult } from '../workers/studio-types';
import { STAGES, type StageId, type StageStatus } from './stages';

export interface UiError {
  code: string;
  message: string;
}

export interface ProgressInfo {
  done: number;
  total: number;
  message: string;
}

export interface RunSlice {
  stageStatus: Record<StageId, StageStatus>;
  /** Action key -> error of its last run (null or absent: none). */
  errors: Record<string, UiError | null>;
  /** Action key -> progress while it runs. */
  progress: Record<string, ProgressInfo | null>;
  /** Action keys running now. */
  running: Record<string, boolean>;
  /** Sources were loaded into the engine in this page (the engine starts empty on each load). */
  engineHasSources: boolean;
  setEngineHasSources: (v: boolean) => void;
  /** What the engine restored from its stage cache after this page loaded (not persisted). */
  restoreReport: RestoreResult['stages'] | null;
  setRestoreReport: (r: RestoreResult['stages'] | null) => void;
  setStageStatus: (id: StageId, status: StageStatus) => void;
  setError: (key: string, error: UiError | null) => void;
  setProgress: (key: string, p: ProgressInfo | null) => void;
  setRunning: (key: string, on: boolean) => void;
}

export const initialStageStatus = (): Record<StageId, StageStatus> =>
  Object.fromEntries(STAGES.map((s) => [s.id, 'idle'])) as Record<StageId, StageStatus>;

export const createRunSlice: StateCreator<RunSlice, [], [], RunSlice> = (set) => ({
  stageStatus: initialStageStatus(),
  errors: {},
  progress: {},
  running: {},
  engineHasSources: false,
  setEngineHasSources: (engineHasSources) => set({ engineHasSources }),
  restoreReport: null,
  setRestoreReport: (restoreReport) => set({ restoreReport }),
  setStageStatus: (id, status) => set((s) => ({ stageStatus: { ...s.stageStatus, [id]: status } })),
  setError: (key, error) => set((s) => ({ errors: { ...s.errors, [key]: error } })),
  setProgress: (key, p) => set((s) => ({ progress: { ...s.progress, [key]: p } })),
  setRunning: (key, on) => set((s) => ({ running: { ...s.running, [key]: on } })),
});
