/** The tour's last page: each check of METHOD.md section 6 with the numbers measured in this session. */
import { deriveFindings, type FindingNumber } from '../../state/findings';
import { STAGES } from '../../state/stages';
import { useStudio } from '../../state/store';
import { formatNumber, formatPercent } from '../format';

function show(n: FindingNumber): string {
  switch (n.kind) {
    case 'sci': return n.value.toExponential(1);
    case 'fraction': return formatPercent(n.value, 1);
    case 'ppl': return n.value.toFixed(2);
    default: return formatNumber(n.value, 3);
  }
}

export function Findings() {
  const state = useStudio();
  const findings = deriveFindings(state);
  return (
    <ol className="findings" data-testid="findings">
      {findings.map((f) => (
        <li key={f.id} data-testid={`finding-${f.id}`} data-holds={f.holds === null ? 'unknown' : String(f.holds)}>
          <div className="finding-head">
            <span className={`verdict verdict-${f.holds === null ? 'unknown' : f.holds ? 'holds' : 'fails'}`} aria-hidden>
              {f.holds === null ? '?' : f.holds ? '✓' : '✗'}
            </span>
            <strong>{f.title}</strong>
          </div>
          <p className="small muted">{f.claim}</p>
          {f.numbers && (
            <ul className="finding-numbers">
              {f.numbers.map((n) => <li key={n.label}>{n.label}: <strong>{show(n)}</strong></li>)}
            </ul>
          )}
          <p className="small">
            {f.verdict}
            {f.numbers === null && (
              <>
                {' '}
                <button type="button" className="link-btn" onClick={() => useStudio.getState().setActiveStage(f.stage)}>
                  Open {STAGES.find((s) => s.id === f.stage)?.title}
                </button>
              </>
            )}
          </p>
        </li>
      ))}
    </ol>
  );
}
