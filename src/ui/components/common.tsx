/** Small shared pieces of the panels: inline errors, progress bars, run/cancel buttons, cards. */
import type { ReactNode } from 'react';
import { useStudio } from '../../state/store';
import { cancelTask } from '../tasks';

/** The error of action `k`, shown where it happened; the message says what to do. */
export function InlineError({ k }: { k: string }) {
  const err = useStudio((s) => s.errors[k]);
  if (!err) return null;
  return (
    <div className="inline-error" role="alert" data-testid={`error-${k}`} data-code={err.code}>
      <strong>{err.code}</strong> {err.message}
    </div>
  );
}

export function ProgressBar({ k }: { k: string }) {
  const p = useStudio((s) => s.progress[k]);
  const running = useStudio((s) => Boolean(s.running[k]));
  if (!running) return null;
  const frac = p && p.total > 0 ? Math.min(1, p.done / p.total) : null;
  return (
    <div className="progress" data-testid={`progress-${k}`}>
      <progress max={1} value={frac ?? undefined} aria-label={`${k} progress`} />
      <span className="progress-text">
        {frac === null ? 'starting…' : `${p!.done} / ${p!.total}`} {p?.message}
      </span>
    </div>
  );
}

/** A Run button that turns into Cancel while action `k` runs. */
export function RunButton({ k, label, onRun, disabled, title }: { k: string; label: string; onRun: () => void; disabled?: boolean; title?: string }) {
  const running = useStudio((s) => Boolean(s.running[k]));
  return running ? (
    <button type="button" className="btn" data-testid={`cancel-${k}`} onClick={() => cancelTask(k)}>
      Cancel
    </button>
  ) : (
    <button type="button" className="btn btn-primary" data-testid={`run-${k}`} onClick={onRun} disabled={disabled} title={title}>
      {label}
    </button>
  );
}

export function Card({ title, children, className, testId }: { title?: string; children: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`card ${className ?? ''}`} data-testid={testId}>
      {title && <h3>{title}</h3>}
      {children}
    </section>
  );
}

/** What to do first when a stage's input is missing. */
export function Needs({ children }: { children: ReactNode }) {
  return <p className="needs">{children}</p>;
}

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}
