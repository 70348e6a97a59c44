/** The mergeability report: one row per config field that matters, with a severity badge. */
import { useState } from 'react';
import type { MergeReport } from '../../workers/studio-types';

export function DiffTable({ report, labels }: { report: MergeReport; labels: string[] }) {
  const [all, setAll] = useState(false);
  const rows = all ? report.rows : report.rows.filter((r) => r.severity !== 'ok');
  return (
    <div className="diff">
      <p className={report.mergeable ? 'ok-line' : 'err-line'} data-testid="mergeable" data-mergeable={report.mergeable}>
        {report.mergeable ? 'These sources can be merged.' : 'These sources cannot be merged as they are: fix the errors below.'}{' '}
        <span className="muted small">
          {report.counts.error} error(s), {report.counts.warning} warning(s), {report.counts.info} handled automatically, {report.counts.ok} identical
        </span>
      </p>
      <label className="small">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> show identical fields too
      </label>
      {rows.length > 0 && (
        <table className="table" data-testid="diff-table">
          <thead>
            <tr>
              <th>field</th>
              {labels.map((l, i) => <th key={i} title={l}>{l}</th>)}
              <th>severity</th>
              <th>what it means</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field} data-severity={r.severity}>
                <td><code>{r.field}</code></td>
                {r.values.map((v, i) => <td key={i} className="mono">{v}</td>)}
                <td><span className={`badge badge-${r.severity}`}>{r.severity}</span></td>
                <td className="small">{r.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
