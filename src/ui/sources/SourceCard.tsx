/**
 * One model of the source list: what it is (architecture, size), its loading progress (bytes,
 * speed, ETA, cache), and its roles: anchor (radio), position in the expert order (drag, or the
 * move buttons), domain (select).
 */
import { useStudio } from '../../state/store';
import type { SourceEntry } from '../../state/sources-slice';
import { formatBytes, formatCount, formatEta, formatSpeed } from '../format';
import { forgetLocalFiles, localFilesOf } from './local-files';

export const EXPERT_DRAG_TYPE = 'application/x-symphony-expert';

interface Props {
  index: number;
  position: number;
  count: number;
  entry: SourceEntry;
  domains: string[];
  onDragFrom: (position: number) => void;
  onDropAt: (position: number) => void;
}

export function SourceCard({ index, position, count, entry, domains, onDragFrom, onDropAt }: Props) {
  const summary = useStudio((s) => s.summaries[index]);
  const load = useStudio((s) => s.loadState[entry.id]);
  const anchor = useStudio((s) => s.anchor);
  const loading = useStudio((s) => Boolean(s.running.sources));
  const { setAnchor, moveExpert, setEntryDomain, removeEntry } = useStudio.getState();
  const filesGone = entry.kind === 'local' && !localFilesOf(entry.id);
  const pct = load?.total ? Math.min(1, (load.loaded ?? 0) / load.total) : null;
  return (
    <li
      className={`source-card ${anchor === index ? 'is-anchor' : ''}`}
      data-testid="source-card"
      data-source={entry.id}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(EXPERT_DRAG_TYPE, String(position));
        e.dataTransfer.effectAllowed = 'move';
        onDragFrom(position);
      }}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(EXPERT_DRAG_TYPE)) e.preventDefault();
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.types.includes(EXPERT_DRAG_TYPE)) return;
        e.preventDefault();
        e.stopPropagation();
        onDropAt(position);
      }}
    >
      <div className="source-head">
        <span className="drag-handle" aria-hidden title="Drag to reorder">⋮⋮</span>
        <span className="expert-no" title="Expert position">E{position}</span>
        <strong className="source-id" title={entry.id}>{entry.id}</strong>
        {entry.revision && <code>@{entry.revision}</code>}
        <span className={`badge badge-kind-${entry.kind}`}>{entry.kind}</span>
        <span className="spacer" />
        <button type="button" className="icon-btn" aria-label={`Move ${entry.id} up`} disabled={position === 0} onClick={() => moveExpert(position, position - 1)}>↑</button>
        <button type="button" className="icon-btn" aria-label={`Move ${entry.id} down`} disabled={position === count - 1} onClick={() => moveExpert(position, position + 1)}>↓</button>
        <button type="button" className="icon-btn" aria-label={`Remove ${entry.id}`} disabled={loading} onClick={() => { forgetLocalFiles(entry.id); removeEntry(index); }}>✕</button>
      </div>
      {summary ? (
        <dl className="source-facts">
          <div><dt>architecture</dt><dd>{summary.modelType}</dd></div>
          <div><dt>parameters</dt><dd>{formatCount(summary.parameters)}</dd></div>
          <div><dt>weights</dt><dd>{formatBytes(summary.tensorBytes)}</dd></div>
          <div><dt>layers × d_ff</dt><dd>{summary.numLayers} × {summary.intermediateSize}</dd></div>
          <div><dt>vocab</dt><dd>{formatCount(summary.vocabSize)}</dd></div>
        </dl>
      ) : (
        <p className="muted small">{entry.kind === 'local' && entry.localFiles ? `${entry.localFiles.count} files, ${formatBytes(entry.localFiles.bytes)}; ` : ''}not loaded yet</p>
      )}
      {summary?.description && <p className="muted small">{summary.description}</p>}
      {filesGone && <p className="warn small">Files not kept across reloads: pick this folder again.</p>}
      {load && (
        <div className="load-state" data-testid="load-state">
          {load.stage !== 'ready' && <span>{load.stage === 'downloading' ? 'downloading' : load.message || load.stage}{load.file ? `: ${load.file}` : ''}</span>}
          {pct !== null && <progress max={1} value={pct} aria-label={`${entry.id} download`} />}
          {load.stage === 'downloading' && (
            <span className="small">
              {formatBytes(load.networkBytes ?? 0)} downloaded · {formatBytes(load.cacheBytes ?? 0)} from cache · {formatSpeed(load.bytesPerSecond)} · ETA {formatEta(load.etaSeconds)}
              {load.fromCache && <span className="badge badge-ok"> cached</span>}
            </span>
          )}
          {load.stage === 'ready' && <span className="badge badge-ok">{(load.networkBytes ?? 0) === 0 && (load.cacheBytes ?? 0) > 0 ? 'ready (from cache)' : 'ready'}</span>}
          {load.retry && <span className="warn small">{load.retry}</span>}
        </div>
      )}
      <div className="source-roles">
        <label>
          <input type="radio" name="anchor" checked={anchor === index} onChange={() => setAnchor(index)} /> anchor
        </label>
        <label>
          domain{' '}
          <select value={entry.domain ?? ''} onChange={(e) => setEntryDomain(index, e.target.value || null)} aria-label={`Domain of ${entry.id}`}>
            <option value="">none</option>
            {[...new Set([...domains, ...(entry.domain ? [entry.domain] : [])])].map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </label>
      </div>
    </li>
  );
}
