/**
 * Hub endpoint (huggingface.co by default, or a local mirror such as `npm run cli -- serve-hub`)
 * and the download cache: its size and a button that clears it.
 */
import { useEffect, useState } from 'react';
import { useStudio } from '../../state/store';
import { formatBytes } from '../format';
import { engine } from '../engine';

export function HubSettings() {
  const hubUrl = useStudio((s) => s.hubUrl);
  const loaded = useStudio((s) => s.summaries.length);
  const [cache, setCache] = useState<{ bytes: number; available: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    engine().call('cacheInfo', {}).then(setCache, () => setCache(null));
  }, [loaded]);
  const clear = () => {
    setBusy(true);
    engine().call('clearCache', {}).then(setCache, () => setCache(null)).finally(() => setBusy(false));
  };
  return (
    <div className="row hub-settings">
      <label className="field grow">
        <span className="field-label">Hub endpoint</span>
        <input
          type="url" value={hubUrl} placeholder="https://huggingface.co" spellCheck={false}
          onChange={(e) => useStudio.getState().setHubUrl(e.target.value)}
        />
      </label>
      <div className="field" data-testid="cache-info">
        <span className="field-label">Download cache</span>
        <span className="small">
          {cache === null ? '…' : cache.available ? formatBytes(cache.bytes) : 'not available in this browser'}{' '}
          <button type="button" className="btn" onClick={clear} disabled={busy || !cache?.available || cache.bytes === 0}>
            Clear
          </button>
        </span>
      </div>
    </div>
  );
}
