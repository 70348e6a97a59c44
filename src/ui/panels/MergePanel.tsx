/**
 * Stage 5, Merge: the backbone rule (SLERP "symphony", linear mean, or the anchor's as is), the
 * MoE's routing (top-k, renormalisation, router initialisation), the baselines to build
 * alongside, and the list of models built.
 */
import { useStudio } from '../../state/store';
import type { BaselineId, MergeRequest } from '../../workers/studio-types';
import { Card, Field, InlineError, Needs, ProgressBar, RunButton } from '../components/common';
import { formatCount } from '../format';
import { engine } from '../engine';
import { progressTo, runTask } from '../tasks';

const RULES: { id: MergeRequest['backbone']['rule']; label: string; note: string }[] = [
  { id: 'symphony', label: 'Symphony', note: 'SLERP of attention weights, mean of norms, embeddings merged by token string' },
  { id: 'linear', label: 'Linear mean', note: 'every backbone weight averaged' },
  { id: 'anchor', label: 'Anchor as is', note: "the anchor's backbone unchanged" },
];

const BASELINES: { id: BaselineId; label: string; note: string }[] = [
  { id: 'symphony-shared', label: 'Symphony + shared expert', note: 'adds a shared expert built as the mean of the aligned FFNs: the place where alignment matters' },
  { id: 'btx', label: 'BTX', note: 'linear backbone, FFNs as they are (no alignment): equals Symphony’s “no alignment” row' },
  { id: 'drop-upcycling', label: 'Drop-Upcycling', note: 'BTX plus re-initialising a fraction of each expert’s neurons' },
  { id: 'naive-upcycling', label: 'Naive upcycling', note: 'the anchor’s FFN copied into every expert' },
];

function runMerge(): void {
  const cfg = useStudio.getState().mergeConfig;
  void runTask('merge', (signal) => engine().call('merge', cfg, { signal, onProgress: progressTo('merge') }), {
    stage: 'merge',
    onDone: (built) => useStudio.getState().setBuilt(built),
  });
}

export function MergePanel() {
  const cfg = useStudio((s) => s.mergeConfig);
  const built = useStudio((s) => s.built);
  const experts = useStudio((s) => s.expertOrder.length);
  const aligned = useStudio((s) => s.alignment !== null);
  const { setMergeConfig, toggleBaseline } = useStudio.getState();
  return (
    <div className="stage-grid">
      <Card title="Backbone">
        <div role="radiogroup" aria-label="Backbone rule" className="choices">
          {RULES.map((r) => (
            <label key={r.id} className="choice">
              <input type="radio" name="backbone" checked={cfg.backbone.rule === r.id} onChange={() => setMergeConfig({ backbone: { ...cfg.backbone, rule: r.id } })} />
              <span><strong>{r.label}</strong> <span className="muted small">{r.note}</span></span>
            </label>
          ))}
        </div>
        <Field label={`SLERP t = ${cfg.backbone.slerpT.toFixed(2)} (0: anchor, 1: the other model; N models: weighted spherical mean)`}>
          <input
            type="range" min={0} max={1} step={0.05} value={cfg.backbone.slerpT} disabled={cfg.backbone.rule !== 'symphony'}
            onChange={(e) => setMergeConfig({ backbone: { ...cfg.backbone, slerpT: Number(e.target.value) } })}
          />
        </Field>
      </Card>
      <Card title="Routing">
        <div className="fields">
          <Field label={`top-k (of ${experts || 'E'} experts)`}>
            <input type="number" min={1} max={Math.max(1, experts)} value={cfg.topK} onChange={(e) => setMergeConfig({ topK: Number(e.target.value) })} />
          </Field>
          <Field label="router initialisation" hint="centroids start each expert’s router row from the calibration text of its source’s domain, so every source needs a calibrated domain">
            <select value={cfg.routerInit} onChange={(e) => setMergeConfig({ routerInit: e.target.value as MergeRequest['routerInit'] })}>
              <option value="random">random</option>
              <option value="centroids">calibration centroids per domain</option>
            </select>
          </Field>
          <Field label="seed">
            <input type="number" value={cfg.seed} onChange={(e) => setMergeConfig({ seed: Number(e.target.value) })} />
          </Field>
        </div>
        <label className="small">
          <input type="checkbox" checked={cfg.normTopkProb} onChange={(e) => setMergeConfig({ normTopkProb: e.target.checked })} /> renormalise the top-k
          probabilities (norm_topk_prob)
        </label>
      </Card>
      <Card title="Build alongside (baselines)">
        <p className="small muted">The Symphony MoE is always built.</p>
        {BASELINES.map((b) => (
          <label key={b.id} className="choice">
            <input type="checkbox" checked={cfg.baselines.includes(b.id)} onChange={(e) => toggleBaseline(b.id, e.target.checked)} data-testid={`baseline-${b.id}`} />
            <span><strong>{b.label}</strong> <span className="muted small">{b.note}</span></span>
          </label>
        ))}
        <Field label={`Drop-Upcycling ratio r = ${cfg.dropRatio.toFixed(2)}`}>
          <input type="range" min={0} max={1} step={0.05} value={cfg.dropRatio} disabled={!cfg.baselines.includes('drop-upcycling')} onChange={(e) => setMergeConfig({ dropRatio: Number(e.target.value) })} />
        </Field>
      </Card>
      <Card title="Build">
        {!aligned && <Needs>Run alignment first (stage 3): the Symphony experts are the aligned FFNs.</Needs>}
        <div className="row">
          <RunButton k="merge" label="Build the models" onRun={runMerge} />
          <ProgressBar k="merge" />
        </div>
        <InlineError k="merge" />
      </Card>
      <Card title={`Models built (${built.length})`} className="span-2" testId="built-models">
        {built.length === 0 ? (
          <p className="muted">Nothing built yet.</p>
        ) : (
          <table className="table">
            <thead><tr><th>model</th><th>kind</th><th className="num">experts</th><th className="num">top-k</th><th className="num">parameters</th><th>router</th></tr></thead>
            <tbody>
              {built.map((b) => (
                <tr key={b.id} data-testid="built-row">
                  <td>{b.label}</td><td><code>{b.kind}</code></td><td className="num">{b.experts}</td><td className="num">{b.topK}</td>
                  <td className="num">{formatCount(b.parameters)}</td><td>{b.trained ? 'trained' : 'initialised'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
