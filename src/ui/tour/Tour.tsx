/**
 * The guided tour: a side card per step (opening that step's stage), then the findings page.
 * Keyboard: focus moves to the card's heading on every step; → or Enter next, ← back, Escape
 * closes and returns focus to the Tour button.
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useStudio } from '../../state/store';
import { Findings } from './Findings';
import { TOUR } from './steps';

export const TOUR_BUTTON_ID = 'tour-button';

export function Tour() {
  const open = useStudio((s) => s.tourOpen);
  const step = useStudio((s) => s.tourStep);
  const heading = useRef<HTMLHeadingElement>(null);
  const last = TOUR.length; // the findings page
  const i = Math.min(step, last);

  useEffect(() => {
    if (!open) return;
    if (i < last) useStudio.getState().setActiveStage(TOUR[i].stage);
    heading.current?.focus();
  }, [open, i, last]);

  if (!open) return null;
  const go = (k: number) => useStudio.getState().setTour(true, Math.max(0, Math.min(last, k)));
  const close = () => {
    useStudio.getState().setTour(false);
    document.getElementById(TOUR_BUTTON_ID)?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const onControl = e.target instanceof HTMLButtonElement || e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowRight' || (e.key === 'Enter' && !onControl)) go(i + 1);
    else if (e.key === 'ArrowLeft') go(i - 1);
    else return;
    e.preventDefault();
  };
  const s = i < last ? TOUR[i] : null;
  return (
    <aside className={`tour ${s ? '' : 'tour-wide'}`} role="dialog" aria-modal="false" aria-labelledby="tour-title" onKeyDown={onKey} data-testid="tour">
      <div className="tour-top">
        <span className="small muted">Tour · {i < last ? `step ${i + 1} of ${last}` : 'findings'}</span>
        <button type="button" className="icon-btn" aria-label="Close the tour" onClick={close}>✕</button>
      </div>
      <h2 id="tour-title" ref={heading} tabIndex={-1}>{s ? s.title : 'What this session measured'}</h2>
      {s ? (
        <>
          {s.body.map((p, k) => <p key={k}>{p}</p>)}
          {s.todo && <p className="tour-todo"><strong>Try:</strong> {s.todo}</p>}
        </>
      ) : (
        <>
          <p className="small">The method’s toy-scale claims, each with the numbers measured in this session so far. A claim not measured yet says which stage to run.</p>
          <Findings />
        </>
      )}
      <div className="tour-nav">
        <button type="button" className="btn" onClick={() => go(i - 1)} disabled={i === 0} data-testid="tour-back">← Back</button>
        <span className="tour-dots" aria-hidden>
          {Array.from({ length: last + 1 }, (_, k) => <span key={k} className={k === i ? 'on' : ''} />)}
        </span>
        {i < last ? (
          <button type="button" className="btn btn-primary" onClick={() => go(i + 1)} data-testid="tour-next">{i === last - 1 ? 'Findings →' : 'Next →'}</button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={close} data-testid="tour-close">Close</button>
        )}
      </div>
    </aside>
  );
}
