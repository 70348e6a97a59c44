/**
 * After a reload: the engine starts empty, the page shows the saved results. "Restore the
 * session" re-opens the sources (from the download cache; nothing is downloaded again), sends
 * the roles, and asks the engine to restore every stage the page shows as done from its stage
 * cache. Stages that were not cached (or no longer fit) go back to "not started", so they are
 * run again; a paused training run comes back paused at its last checkpointed step.
 */
import { STAGES, type StageId } from '../state/stages';
import { useStudio } from '../state/store';
import type { RestoreResult } from '../workers/studio-types';
import { calibrationRequest } from './calibration/request';
import { engine } from './engine';
import { applyRoles, loadSources } from './sources/actions';
import { progressTo, runTask } from './tasks';

export async function restoreSession(): Promise<boolean> {
  if (!(await loadSources()) || !(await applyRoles())) return false;
  const s = useStudio.getState();
  const done = (id: StageId) => s.stageStatus[id] === 'done';
  const req = {
    calibration: done('calibration') ? calibrationRequest(s.calibration) : null,
    alignPartial: done('alignment') ? s.alignPartial : null,
    cka: done('cka'),
    merge: done('merge') ? s.mergeConfig : null,
    train: done('train') || s.built.some((b) => b.trained),
    evaluate: done('evaluate'),
  };
  return runTask('restore', (signal) => engine().call('restore', req, { signal, onProgress: progressTo('restore') }), {
    stage: null,
    onDone: applyRestore,
  });
}

/** Put what the engine restored into the store (pure apart from the store; exported for tests). */
export function applyRestore(r: RestoreResult): void {
  const st = useStudio.getState();
  st.setRestoreReport(r.stages);
  // A stage that did not come back has to run again, and so has every stage after it.
  const lost = r.stages.filter((x) => x.status !== 'restored').map((x) => x.stage);
  const first = STAGES.findIndex((x) => lost.includes(x.id as (typeof lost)[number]));
  if (first >= 0) for (const x of STAGES.slice(first)) if (x.id !== 'export') st.setStageStatus(x.id, 'idle');
  if (r.built.length) st.setBuilt(r.built);
  for (const t of r.training) {
    st.setTrainSummary(t.summary);
    const resumable = !t.finished && t.summary.steps < t.totalSteps;
    if (t.model === st.trainConfig.model) {
      // The history ends at the checkpointed step: steps after it were lost with the page.
      useStudio.setState({ trainHistory: t.summary.history, trainHistoryModel: t.model, trainPaused: resumable });
      if (resumable) st.setStageStatus('train', 'idle');
    }
  }
}

/** One line for the page: what came back from the cache and what has to run again. */
export function restoreLine(r: RestoreResult['stages']): { restored: string; again: string } {
  const title = (id: string) => STAGES.find((x) => x.id === id)?.title ?? id;
  return {
    restored: r.filter((x) => x.status === 'restored').map((x) => title(x.stage)).join(', '),
    again: r.filter((x) => x.status !== 'restored').map((x) => `${title(x.stage)}${x.status === 'stale' ? ` (${x.message ?? 'stale'})` : ''}`).join(', '),
  };
}
