/**
 * The note shown after a reload (saved results, empty engine) with the button that restores the
 * session from the engine's stage cache, and the line that says what came back.
 */
import { useStudio } from '../../state/store';
import { InlineError, ProgressBar } from '../components/common';
import { restoreLine, restoreSession } from '../restore';

export function RestoreNote() {
  const busy = useStudio((s) => Boolean(s.running.sources || s.running.roles || s.running.restore));
  return (
    <div className="restored" data-testid="restored-note">
      <p>
        Shown: results saved from an earlier visit. The engine starts empty with every page load: restore the session to
        re-open the sources (from the download cache) and bring back the finished stages from the engine’s stage cache,
        without computing them again.
      </p>
      <div className="row">
        <button type="button" className="btn btn-primary" data-testid="restore-session" disabled={busy} onClick={() => void restoreSession()}>
          Restore the session
        </button>
        <ProgressBar k="restore" />
      </div>
      <InlineError k="sources" />
    </div>
  );
}

export function RestoreStatus() {
  const report = useStudio((s) => s.restoreReport);
  if (!report) return <InlineError k="restore" />;
  const { restored, again } = restoreLine(report);
  return (
    <p className="small restore-status" data-testid="restore-status" role="status">
      {restored ? <>Restored from cache: <strong>{restored}</strong>.</> : 'Nothing was cached for these stages.'}
      {again && <> To run again: {again}.</>}
    </p>
  );
}
