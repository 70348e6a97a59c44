/** Stage navigation: one button per workflow stage with its status, keyboard-usable (arrow keys move). */
import { useRef, type KeyboardEvent } from 'react';
import { STAGES, STAGE_STATUS_LABEL } from '../state/stages';
import { useStudio } from '../state/store';

export function StageNav() {
  const active = useStudio((s) => s.activeStage);
  const setActive = useStudio((s) => s.setActiveStage);
  const status = useStudio((s) => s.stageStatus);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const d = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const j = (i + d + STAGES.length) % STAGES.length;
    setActive(STAGES[j].id);
    refs.current[j]?.focus();
  };
  return (
    <nav className="stage-nav" aria-label="Stages">
      <ol role="tablist" aria-orientation="vertical">
        {STAGES.map((s, i) => (
          <li key={s.id}>
            <button
              ref={(el) => {
                refs.current[i] = el;
              }}
              role="tab"
              aria-selected={active === s.id}
              tabIndex={active === s.id ? 0 : -1}
              className={active === s.id ? 'active' : ''}
              data-testid={`stage-${s.id}`}
              onClick={() => setActive(s.id)}
              onKeyDown={(e) => onKey(e, i)}
            >
              <span className="step">{i + 1}</span> {s.title}
              <span className={`dot dot-${status[s.id]}`} data-testid={`stage-status-${s.id}`} data-status={status[s.id]} title={STAGE_STATUS_LABEL[status[s.id]]}>
                <span className="visually-hidden">{STAGE_STATUS_LABEL[status[s.id]]}</span>
              </span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
