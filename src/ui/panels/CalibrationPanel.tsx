/**
 * Stage 2, Calibration: which text the models read while their neurons are compared. Built-in
 * domain sets (held-out ones unticked: they are kept for evaluation), the user's own text per
 * domain (typed, pasted, a .txt / .jsonl upload, or a file of a Hub dataset: DatasetPicker), tokens per domain, sequence length; after a
 * run, the tokens each domain contributed.
 */
import { useState } from 'react';
import { useStudio } from '../../state/store';
import { DatasetPicker } from '../calibration/DatasetPicker';
import { calibrationRequest, documentsFromUpload } from '../calibration/request';
import { Card, Field, InlineError, Needs, ProgressBar, RunButton } from '../components/common';
import { engine } from '../engine';
import { progressTo, runTask } from '../tasks';

function runCalibration(): void {
  const req = calibrationRequest(useStudio.getState().calibration);
  void runTask('calibration', (signal) => engine().call('calibrate', req, { signal, onProgress: progressTo('calibration') }), {
    stage: 'calibration',
    onDone: (s) => useStudio.getState().setCalibrationSummary(s),
  });
}

export function CalibrationPanel() {
  const cfg = useStudio((s) => s.calibration);
  const summary = useStudio((s) => s.calibrationSummary);
  const loaded = useStudio((s) => s.summaries.length > 0);
  const { setCalibration, setDomain, addDomain, removeDomain } = useStudio.getState();
  const [newName, setNewName] = useState('');
  const [notes, setNotes] = useState<Record<string, string>>({});
  const req = calibrationRequest(cfg);

  const upload = async (name: string, files: FileList | null) => {
    const docs: string[] = [];
    let skipped = 0;
    for (const f of [...(files ?? [])]) {
      const r = documentsFromUpload(f.name, await f.text());
      docs.push(...r.documents);
      skipped += r.skipped;
    }
    const d = useStudio.getState().calibration.domains.find((x) => x.name === name);
    if (d) setDomain(name, { uploaded: [...d.uploaded, ...docs] });
    setNotes((n) => ({ ...n, [name]: `${docs.length} document(s) added${skipped ? `, ${skipped} line(s) without a "text" field skipped` : ''}` }));
  };

  return (
    <div className="stage-grid">
      <Card title="Text per domain" className="span-2">
        {!loaded && <Needs>Load the sources first (stage 1); the domain list comes from the demo catalog and your own additions.</Needs>}
        <p className="explain">
          Every model reads the same calibration tokens, an equal share from each domain; the correlations between their
          FFN neurons on these tokens decide the matching. Held-out domains are unticked by default so that evaluation
          measures text the merge never saw.
        </p>
        <table className="table" data-testid="calibration-domains">
          <thead>
            <tr><th>domain</th><th>built-in text</th><th>your text (typed, pasted, uploaded or from a Hub dataset)</th><th /></tr>
          </thead>
          <tbody>
            {cfg.domains.map((d) => (
              <tr key={d.name}>
                <td>
                  <strong>{d.name}</strong> {d.heldOut && <span className="badge badge-info" title="Kept for evaluation">held out</span>}
                </td>
                <td>
                  {d.catalog ? (
                    <label><input type="checkbox" checked={d.builtin} onChange={(e) => setDomain(d.name, { builtin: e.target.checked })} aria-label={`Use built-in ${d.name} text`} /> use</label>
                  ) : <span className="muted small">none</span>}
                </td>
                <td>
                  <details open={Boolean(d.pasted || d.uploaded.length || d.dataset) || !d.catalog}>
                  <summary className="small">
                    {d.pasted || d.uploaded.length || d.dataset
                      ? `${d.pasted.trim() ? 1 : 0} pasted + ${d.uploaded.length} uploaded${d.dataset ? ` + ${d.dataset.documents.length} Hub dataset` : ''} document(s)`
                      : 'add your own text'}
                  </summary>
                  <textarea
                    className="doc-box" value={d.pasted} rows={2} placeholder="Paste text of this domain…" aria-label={`Your ${d.name} text`}
                    onChange={(e) => setDomain(d.name, { pasted: e.target.value })}
                  />
                  <div className="row small">
                    <label className="link-btn">
                      upload .txt / .jsonl
                      <input type="file" accept=".txt,.jsonl,text/plain" multiple className="visually-hidden" onChange={(e) => void upload(d.name, e.target.files)} />
                    </label>
                    {d.uploaded.length > 0 && (
                      <span>
                        {d.uploaded.length} uploaded document(s){' '}
                        <button type="button" className="link-btn" onClick={() => setDomain(d.name, { uploaded: [] })}>clear</button>
                      </span>
                    )}
                    {notes[d.name] && <span className="muted">{notes[d.name]}</span>}
                  </div>
                  <div className="small muted">From a Hub dataset (.txt, .jsonl or .parquet):</div>
                  <DatasetPicker domain={d.name} />
                  </details>
                </td>
                <td>{!d.catalog && <button type="button" className="icon-btn" aria-label={`Remove ${d.name}`} onClick={() => removeDomain(d.name)}>✕</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row">
          <input type="text" value={newName} placeholder="new domain name" aria-label="New domain name" onChange={(e) => setNewName(e.target.value)} />
          <button type="button" className="btn" disabled={!newName.trim()} onClick={() => { addDomain(newName.trim()); setNewName(''); }}>Add a domain</button>
        </div>
      </Card>

      <Card title="Amount">
        <div className="fields">
          <Field label="tokens per domain">
            <input type="number" min={64} step={256} value={cfg.tokensPerDomain} onChange={(e) => setCalibration({ tokensPerDomain: Number(e.target.value) })} />
          </Field>
          <Field label="sequence length (tokens)">
            <input type="number" min={16} step={16} value={cfg.seqLen} onChange={(e) => setCalibration({ seqLen: Number(e.target.value) })} />
          </Field>
        </div>
        <p className="small muted">{req.domains.length} domain(s) selected · about {(req.domains.length * cfg.tokensPerDomain).toLocaleString('en-US')} tokens in all</p>
        <div className="row">
          <RunButton k="calibration" label="Run calibration" onRun={runCalibration} disabled={!req.domains.length} title={req.domains.length ? undefined : 'Tick a domain or add your own text'} />
          <ProgressBar k="calibration" />
        </div>
        <InlineError k="calibration" />
      </Card>

      <Card title="Tokens used">
        {!summary ? (
          <Needs>Run calibration to see how many tokens each domain contributed.</Needs>
        ) : (
          <>
            <table className="table" data-testid="calibration-summary">
              <thead><tr><th>domain</th><th className="num">tokens used</th><th className="num">available</th></tr></thead>
              <tbody>
                {summary.domains.map((d) => (
                  <tr key={d.name}>
                    <td>{d.name}</td>
                    <td className={`num ${d.tokens < cfg.tokensPerDomain ? 'warn' : ''}`} title={d.tokens < cfg.tokensPerDomain ? 'Less text than requested: this domain has a smaller share' : undefined}>
                      {d.tokens.toLocaleString('en-US')}
                    </td>
                    <td className="num">{d.available.toLocaleString('en-US')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="small muted">
              {summary.windows} windows of {summary.seqLen} tokens · content hash <code>{summary.contentHash.slice(0, 12)}</code>
            </p>
          </>
        )}
      </Card>
    </div>
  );
}
