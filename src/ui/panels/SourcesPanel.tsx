/**
 * Stage 1, Sources: the demo family, Hub IDs or links (typed, pasted or dropped from a Hub tab),
 * local folders or files (picked or dropped), an optional access token, then one card per model
 * in expert order, the mergeability report, and Next (blocked by errors).
 */
import { useEffect, useState, type DragEvent } from 'react';
import { useStudio } from '../../state/store';
import { Card, InlineError, ProgressBar, RunButton } from '../components/common';
import { applyRoles, fetchCatalog, loadDemoFamily, loadSources } from '../sources/actions';
import { DiffTable } from '../sources/DiffTable';
import { addLocalFiles, filesFromDrop } from '../sources/local-files';
import { parseRef, splitRefs } from '../sources/parse-ref';
import { EXPERT_DRAG_TYPE, SourceCard } from '../sources/SourceCard';
import { TokenField } from '../sources/TokenField';
import { HubSettings } from '../sources/HubSettings';

export function SourcesPanel() {
  const entries = useStudio((s) => s.entries);
  const order = useStudio((s) => s.expertOrder);
  const catalog = useStudio((s) => s.catalog);
  const report = useStudio((s) => s.report);
  const summaries = useStudio((s) => s.summaries);
  const loading = useStudio((s) => Boolean(s.running.sources));
  const [text, setText] = useState('');
  const [rejected, setRejected] = useState<string[]>([]);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dropActive, setDropActive] = useState(false);

  useEffect(() => {
    if (!useStudio.getState().catalog) void fetchCatalog();
  }, []);

  const addText = (raw: string) => {
    const parsed = splitRefs(raw).map(parseRef);
    useStudio.getState().addEntries(parsed.flatMap((p) => (p.ok ? [p.entry] : [])));
    setRejected(parsed.flatMap((p) => (p.ok ? [] : [`${p.input}: ${p.reason}`])));
  };

  const onDrop = (e: DragEvent) => {
    if (e.dataTransfer.types.includes(EXPERT_DRAG_TYPE)) return;
    e.preventDefault();
    setDropActive(false);
    if (e.dataTransfer.types.includes('Files')) {
      void filesFromDrop(e.dataTransfer).then((add) => useStudio.getState().addEntries(add));
      return;
    }
    const t = e.dataTransfer.getData('text/uri-list') || e.dataTransfer.getData('text/plain');
    if (t) addText(t);
  };

  const domains = catalog?.domains.map((d) => d.name) ?? [];
  const canNext = Boolean(report?.mergeable) && summaries.length === entries.length && !loading;

  return (
    <div
      className={`stage-grid ${dropActive ? 'drop-active' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(EXPERT_DRAG_TYPE)) return;
        e.preventDefault();
        setDropActive(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDropActive(false);
      }}
      onDrop={onDrop}
      data-testid="sources-drop"
    >
      <Card title="Add models" className="span-2">
        <div className="add-grid">
        <div>
        <div className="row">
          <button type="button" className="btn btn-primary" data-testid="load-demo" onClick={() => void loadDemoFamily()} disabled={loading}>
            Load the demo family
          </button>
          <span className="muted small">
            {catalog ? `${catalog.models.length} tiny models: ${catalog.models.map((m) => `${m.id} (${m.origin})`).join(', ')}` : 'tiny models, built in: no download'}
          </span>
        </div>
        <InlineError k="catalog" />
        <label className="field">
          <span className="field-label">Hub model IDs or huggingface.co links (Enter adds; or drop a link from a Hub tab anywhere here)</span>
          <input
            type="text" value={text} placeholder="Qwen/Qwen2.5-0.5B-Instruct  https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B" data-testid="ref-input"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                addText(text);
                setText('');
              }
            }}
          />
        </label>
        {rejected.length > 0 && <p className="warn small" role="status">Not added: {rejected.join('; ')}</p>}
        </div>
        <div>
        <div className="row">
          <label className="btn file-btn">
            Pick a folder…
            <input
              type="file" multiple className="visually-hidden" ref={(el) => el?.setAttribute('webkitdirectory', '')}
              onChange={(e) => {
                const list = [...(e.target.files ?? [])];
                if (list.length) useStudio.getState().addEntries([addLocalFiles(list)]);
                e.target.value = '';
              }}
            />
          </label>
          <label className="btn file-btn">
            Pick files…
            <input
              type="file" multiple accept=".safetensors,.json,.txt,.model" className="visually-hidden"
              onChange={(e) => {
                const list = [...(e.target.files ?? [])];
                if (list.length) useStudio.getState().addEntries([addLocalFiles(list)]);
                e.target.value = '';
              }}
            />
          </label>
          <span className="muted small">config.json, tokenizer.json and *.safetensors of one model; or drop its folder here</span>
        </div>
        <TokenField />
        <HubSettings />
        </div>
        </div>
      </Card>

      <Card title={`Models (${entries.length}) in expert order`} className="span-2">
        {entries.length === 0 ? (
          <p className="muted">No models yet. Load the demo family, or add two or more models of one architecture.</p>
        ) : (
          <ol className="source-list" aria-label="Sources in expert order">
            {order.map((index, position) => (
              <SourceCard
                key={entries[index]?.id ?? index} index={index} position={position} count={order.length} entry={entries[index]} domains={domains}
                onDragFrom={setDragFrom}
                onDropAt={(to) => {
                  if (dragFrom !== null) useStudio.getState().moveExpert(dragFrom, to);
                  setDragFrom(null);
                }}
              />
            ))}
          </ol>
        )}
        <div className="row">
          <RunButton k="sources" label={summaries.length ? 'Reload sources' : 'Load sources'} onRun={() => void loadSources()} disabled={entries.length === 0} />
          <ProgressBar k="sources" />
        </div>
        <InlineError k="sources" />
      </Card>

      {report && (
        <Card title="Can they be merged?" className="span-2" testId="mergeability">
          <DiffTable report={report} labels={summaries.map((s) => s.id)} />
        </Card>
      )}

      <div className="next-row span-2">
        <InlineError k="roles" />
        <button
          type="button" className="btn btn-primary" data-testid="sources-next" disabled={!canNext}
          title={canNext ? 'Send the roles to the engine and go on' : 'Load mergeable sources first (errors in the report block the merge)'}
          onClick={() => void applyRoles().then((ok) => ok && useStudio.getState().setActiveStage('calibration'))}
        >
          Next: calibration →
        </button>
      </div>
    </div>
  );
}
