import { describe, expect, it } from 'vitest';
import { AbortedError, InvalidArgumentError } from '../core/errors';
import { useStudio } from '../state/store';
import { cancelTask, runTask } from './tasks';

describe('runTask', () => {
  it('stores the result and marks the stage done', async () => {
    let got = 0;
    const ok = await runTask('t1', () => Promise.resolve(42), { stage: 'cka', onDone: (v) => (got = v) });
    expect(ok).toBe(true);
    expect(got).toBe(42);
    expect(useStudio.getState().stageStatus.cka).toBe('done');
    expect(useStudio.getState().running.t1).toBe(false);
  });

  it('shows a StudioError inline with its code and message', async () => {
    const ok = await runTask('t2', () => Promise.reject(new InvalidArgumentError('Pick two sources.')), { stage: 'merge', onDone: () => undefined });
    expect(ok).toBe(false);
    expect(useStudio.getState().errors.t2).toEqual({ code: 'INVALID_ARGUMENT', message: 'Pick two sources.' });
    expect(useStudio.getState().stageStatus.merge).toBe('error');
  });

  it('a cancelled call leaves no error and restores the stage status', async () => {
    useStudio.getState().setStageStatus('train', 'done');
    let aborted = false;
    const p = runTask('t3', (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new AbortedError()))), {
      stage: 'train', onDone: () => undefined, onAborted: () => (aborted = true),
    });
    expect(useStudio.getState().stageStatus.train).toBe('running');
    cancelTask('t3');
    expect(await p).toBe(false);
    expect(aborted).toBe(true);
    expect(useStudio.getState().errors.t3).toBeNull();
    expect(useStudio.getState().stageStatus.train).toBe('done');
  });

  it('re-running a stage that later stages are built from sends the finished later stages back to not started', async () => {
    const s = useStudio.getState();
    for (const id of ['calibration', 'alignment', 'cka', 'merge', 'train', 'evaluate'] as const) s.setStageStatus(id, 'done');
    s.setStageStatus('export', 'error');
    expect(await runTask('t4', () => Promise.resolve(1), { stage: 'alignment', onDone: () => undefined })).toBe(true);
    const st = useStudio.getState().stageStatus;
    expect([st.calibration, st.alignment, st.cka, st.merge, st.train, st.evaluate, st.export]).toEqual(['done', 'done', 'idle', 'idle', 'idle', 'idle', 'error']);
    // CKA and training build nothing later stages read from the earlier ones: no reset.
    useStudio.getState().setStageStatus('merge', 'done');
    expect(await runTask('t5', () => Promise.resolve(1), { stage: 'cka', onDone: () => undefined })).toBe(true);
    expect(useStudio.getState().stageStatus.merge).toBe('done');
  });
});
