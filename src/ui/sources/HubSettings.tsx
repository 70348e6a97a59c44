/**
 * Hub endpoint (huggingface.co by default, or a local mirror such as `npm run cli -- serve-hub`),
 * the download cache and the engine's stage cache (finished stages kept for a reload): their
 * sizes and buttons that clear them.
 */
import { useEffect, useState } from 'react';
import { useStudio } from '../../state/store';
import { formatBytes } from '../format';
import { engine } from '../engine';
import type { StageCacheReport } from '../../workers/studio-types';

export function HubSettings() {
  const hubUrl = useStudio((s) => s.hubUrl);
  const loaded = useStudio((s) => s.summaries.length);
  const [cache, setCache] = useState<{ bytes: number; available: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [stages, setStages] = useState<StageCacheReport | null>(null);
  const stamp = useStudio((s) => Object.values(s.stageStatus).join() + String(s.trainHistory.length));
  useEffect(() => {
    engine().call('cacheInfo', {}).then(setCache, () => setCache(null));
  }, [loaded]);
  useEffect(() => {
    engine().call('stageCacheInfo', {}).then(setStages, () => setStages(null));
  }, [stamp]);
  const clearStages = () => {
    setBusy(true);
    engine().call('clearStageCache', {}).then(setStages, () => setStages(null)).finally(() => setBusy(false));
  };
  const clear = () => {
    setBusy(true);
    engine().call('clearCache', {}).then(setCache, () => setCache(null)).finally(() => setBusy(false));
  };
  const entries = stages?.entries.reduce((a, e) => a + e.count, 0) ?? 0;
  return (
    <>
      <div className="row hub-settings">
        <label className="field grow">
          <span className="field-label">Hub endpoint</span>
          <input
            type="url" value={hubUrl} placeholder="https://huggingface.co" spellCheck={false}
            onChange={(e) => useStudio.getState().setHubUrl(e.target.value)}
          />
        </label>
      </div>
      <div className="row hub-settings">
        <div className="field" data-testid="cache-info">
          <span className="field-label">Download cache</span>
          <span className="small">
            {cache === null ? '…' : cache.available ? formatBytes(cache.bytes) : 'not available in this browser'}{' '}
            <button type="button" className="btn" onClick={clear} disabled={busy || !cache?.available || cache.bytes === 0}>
              Clear
            </button>
          </span>
        </div>
        <div className="field" data-testid="stage-cache-info" title="Finished stages (calibration, alignment, merge, trainer checkpoints, evaluation) kept in this browser so that a reload continues without computing them again">
          <span className="field-label">Cached stages</span>
          <span className="small">
            {stages === null ? '…' : `${formatBytes(stages.bytes)} of ${formatBytes(stages.limitBytes)} (${entries} entries${stages.persistent ? '' : ', this tab only'})`}{' '}
            <button type="button" className="btn" data-testid="clear-stage-cache" onClick={clearStages} disabled={busy || !stages || entries === 0}>
              Clear cached stages
            </button>
          </span>
        </div>
      </div>
    </>
  );
}
