/**
 * Running an engine call from a panel: marks the action running, forwards progress, stores the
 * result through `onDone`, and shows errors inline (keyed by action). Cancel aborts the call's
 * AbortSignal; the AbortControllers live here, outside React state and the store.
 */
import { AbortedError, StudioError } from '../core/errors';
import { stagesAfter, type StageId } from '../state/stages';
import { useStudio } from '../state/store';

const controllers = new Map<string, AbortController>();

/** Stages whose output later stages are built from: re-running one sends the later "done" stages back to "not started". */
const PRODUCERS: readonly StageId[] = ['calibration', 'alignment', 'merge'];

export interface TaskOptions<T> {
  /** The stage whose status this action sets (null: a side action such as the permutation view). */
  stage: StageId | null;
  onDone: (result: T) => void;
  /** Called when the user cancelled (the stage goes back to its previous status). */
  onAborted?: () => void;
}

/** Turn anything thrown into what the panel shows: the StudioError's code and message. */
export function toUiError(e: unknown): { code: string; message: string } {
  if (e instanceof StudioError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: 'STUDIO_ERROR', message: e.message };
  return { code: 'STUDIO_ERROR', message: String(e) };
}

export async function runTask<T>(key: string, call: (signal: AbortSignal) => Promise<T>, opts: TaskOptions<T>): Promise<boolean> {
  const st = useStudio.getState();
  controllers.get(key)?.abort();
  const ac = new AbortController();
  controllers.set(key, ac);
  const before = opts.stage ? st.stageStatus[opts.stage] : null;
  st.setError(key, null);
  st.setRunning(key, true);
  st.setProgress(key, null);
  if (opts.stage) st.setStageStatus(opts.stage, 'running');
  try {
    const result = await call(ac.signal);
    opts.onDone(result);
    if (opts.stage) {
      const s = useStudio.getState();
      s.setStageStatus(opts.stage, 'done');
      if (PRODUCERS.includes(opts.stage)) for (const id of stagesAfter(opts.stage)) if (s.stageStatus[id] === 'done') s.setStageStatus(id, 'idle');
    }
    return true;
  } catch (e) {
    const s = useStudio.getState();
    if (e instanceof AbortedError || ac.signal.aborted) {
      if (opts.stage && before) s.setStageStatus(opts.stage, before === 'running' ? 'idle' : before);
      opts.onAborted?.();
    } else {
      s.setError(key, toUiError(e));
      if (opts.stage) s.setStageStatus(opts.stage, 'error');
    }
    return false;
  } finally {
    if (controllers.get(key) === ac) controllers.delete(key);
    const s = useStudio.getState();
    s.setRunning(key, false);
    s.setProgress(key, null);
  }
}

export function cancelTask(key: string): void {
  controllers.get(key)?.abort();
}

/** A progress callback for ProgressEvent-shaped events. */
export function progressTo(key: string) {
  return (e: { done: number; total: number; message?: string; stage?: string }) =>
    useStudio.getState().setProgress(key, { done: e.done, total: e.total, message: e.message ?? e.stage ?? '' });
}
