/**
 * "From a Hub dataset" in a calibration domain's row: a dataset ID or huggingface.co/datasets URL
 * -> its .txt / .jsonl / .parquet files (the Hub endpoint and token of the Sources panel) -> one
 * file and its text column -> the documents, read in the engine until the domain's token budget is
 * met, shown as documents and tokens. Errors show inline; the dataset already chosen stays until a
 * new read succeeds.
 */
import { useState } from 'react';
import { DatasetColumnError } from '../../core/calibration/documents';
import { useStudio } from '../../state/store';
import type { DatasetListing } from '../../workers/studio-types';
import { InlineError, ProgressBar } from '../components/common';
import { engine } from '../engine';
import { formatBytes } from '../format';
import { cancelTask, progressTo, runTask } from '../tasks';

function hubAccess(): { hubUrl?: string; token?: string } {
  const s = useStudio.getState();
  return { hubUrl: s.hubUrl || undefined, token: s.hubToken ?? undefined };
}

export function DatasetPicker({ domain }: { domain: string }) {
  const chosen = useStudio((s) => s.calibration.domains.find((d) => d.name === domain)?.dataset ?? null);
  const budget = useStudio((s) => s.calibration.tokensPerDomain);
  const busy = useStudio((s) => Boolean(s.running[`dataset-files:${domain}`] || s.running[`dataset-docs:${domain}`]));
  const [ref, setRef] = useState(chosen?.repo ?? '');
  const [path, setPath] = useState(chosen?.path ?? '');
  const [column, setColumn] = useState(chosen?.column ?? 'text');
  const [columns, setColumns] = useState<string[]>([]);
  const [listing, setListing] = useState<DatasetListing | null>(null);
  const file = listing?.files.find((f) => f.path === path) ?? null;

  const list = () =>
    runTask(`dataset-files:${domain}`, (signal) => engine().call('datasetFiles', { ref, ...hubAccess() }, { signal }), {
      stage: null,
      onDone: (l: DatasetListing) => {
        setListing(l);
        const pick = l.files.find((f) => f.path === l.path) ?? l.files.find((f) => f.format === 'parquet') ?? l.files[0];
        setPath(pick.path);
        setColumns([]);
      },
    });
  const fetchDocs = () => {
    if (!listing || !file) return;
    const col = file.format === 'txt' ? undefined : column.trim() || 'text';
    const tokenBudget = useStudio.getState().calibration.tokensPerDomain;
    const key = `dataset-docs:${domain}`;
    void runTask(key, async (signal) => {
      try {
        return await engine().call('datasetDocuments', { repo: listing.repo, revision: listing.revision, path: file.path, size: file.size, column: col, tokenBudget, ...hubAccess() }, { signal, onProgress: progressTo(key) });
      } catch (e) {
        if (e instanceof DatasetColumnError && typeof e.details.columns === 'string') setColumns(e.details.columns.split(',').filter(Boolean));
        throw e;
      }
    }, {
      stage: null,
      onDone: (r) => {
        setColumns(r.columns);
        useStudio.getState().setDomain(domain, {
          dataset: { repo: listing.repo, revision: listing.revision, path: file.path, column: col ?? null, documents: r.documents, tokens: r.tokens, exactTokens: r.exactTokens, complete: r.complete },
        });
      },
    });
  };

  return (
    <div className="dataset-picker" data-testid={`dataset-${domain}`}>
      <div className="row small">
        <input
          type="text" value={ref} placeholder="dataset ID or huggingface.co/datasets/… URL" spellCheck={false} aria-label={`Hub dataset for ${domain}`}
          onChange={(e) => setRef(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter' && ref.trim()) void list(); }}
        />
        <button type="button" className="btn" disabled={!ref.trim() || busy} onClick={() => void list()}>List files</button>
      </div>
      {listing && (
        <div className="row small">
          <select value={path} aria-label={`Dataset file for ${domain}`} onChange={(e) => setPath(e.target.value)}>
            {listing.files.map((f) => <option key={f.path} value={f.path}>{f.path} ({formatBytes(f.size)})</option>)}
          </select>
          {file && file.format !== 'txt' && (
            columns.length > 0 ? (
              <select value={column} aria-label={`Text column for ${domain}`} onChange={(e) => setColumn(e.target.value)}>
                {[...new Set([column, ...columns])].map((c) => <option key={c} value={c}>{c}{columns.includes(c) ? '' : ' (not a string column)'}</option>)}
              </select>
            ) : (
              <input type="text" value={column} size={10} aria-label={`Text column for ${domain}`} title="The string column that holds the text" onChange={(e) => setColumn(e.target.value)} />
            )
          )}
          <button type="button" className="btn" disabled={!file || busy} onClick={fetchDocs}>Fetch text</button>
          {busy && <button type="button" className="link-btn" onClick={() => { cancelTask(`dataset-docs:${domain}`); cancelTask(`dataset-files:${domain}`); }}>cancel</button>}
        </div>
      )}
      <ProgressBar k={`dataset-docs:${domain}`} />
      <InlineError k={`dataset-files:${domain}`} />
      <InlineError k={`dataset-docs:${domain}`} />
      {chosen && (
        <div className="small" data-testid={`dataset-count-${domain}`}>
          <code>{chosen.repo}</code> · {chosen.path}{chosen.column ? ` (column ${chosen.column})` : ''}:{' '}
          <strong>{chosen.documents.length.toLocaleString('en-US')} document(s), {chosen.exactTokens ? '' : '≈'}{chosen.tokens.toLocaleString('en-US')} tokens</strong>
          <span className="muted">{chosen.exactTokens ? ' (anchor tokenizer)' : ' (estimated: load the sources for an exact count)'}{chosen.complete ? ', whole file' : ', read up to the token budget'}</span>
          {!chosen.complete && chosen.tokens < budget && <span className="warn"> fewer than the {budget.toLocaleString('en-US')} tokens per domain now set: fetch again</span>}{' '}
          <button type="button" className="link-btn" onClick={() => useStudio.getState().setDomain(domain, { dataset: null })}>clear</button>
        </div>
      )}
    </div>
  );
}
