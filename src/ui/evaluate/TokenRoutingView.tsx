/** Paste text, route it through an MoE, and see each token coloured by its top-1 expert per layer. */
import { useStudio } from '../../state/store';
import { categorical } from '../components/colour';
import { Card, InlineError } from '../components/common';
import { engine } from '../engine';
import { runTask } from '../tasks';
import { tokenSpans } from './eval-data';
import { useState } from 'react';

function route(): void {
  const { routeModel, routeText } = useStudio.getState();
  void runTask('route', (signal) => engine().call('routeText', { model: routeModel, text: routeText }, { signal }), {
    stage: null,
    onDone: (r) => useStudio.getState().setTokenRouting(r),
  });
}

export function TokenRoutingView({ models, experts }: { models: { id: string; label: string }[]; experts: string[] }) {
  const model = useStudio((s) => s.routeModel);
  const text = useStudio((s) => s.routeText);
  const routing = useStudio((s) => s.tokenRouting);
  const running = useStudio((s) => Boolean(s.running.route));
  const [layer, setLayer] = useState(0);
  const L = routing?.experts.length ?? 0;
  const l = Math.min(layer, Math.max(0, L - 1));
  const spans = routing ? tokenSpans(routing, l) : [];
  const set = useStudio.getState().setRouteInput;
  return (
    <Card title="Which expert reads which token" className="span-2" testId="token-routing">
      <div className="row">
        <select value={model} onChange={(e) => set({ routeModel: e.target.value })} aria-label="Model to route with">
          <option value="">choose an MoE…</option>
          {models.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
        </select>
        <button type="button" className="btn btn-primary" data-testid="run-route" disabled={!model || !text.trim() || running} onClick={route}>
          {running ? 'Routing…' : 'Route the text'}
        </button>
      </div>
      <textarea className="doc-box" rows={3} value={text} onChange={(e) => set({ routeText: e.target.value })} aria-label="Text to route" />
      <InlineError k="route" />
      {routing && (
        <>
          <label className="field">
            <span className="field-label">layer {l} of {L - 1}</span>
            <input type="range" min={0} max={Math.max(0, L - 1)} value={l} onChange={(e) => setLayer(Number(e.target.value))} data-testid="route-layer" />
          </label>
          <div className="legend-row" aria-label="Experts">
            {experts.map((e, i) => <span key={i}><span className="swatch" style={{ background: categorical(i) }} />E{i} {e}</span>)}
          </div>
          <p className="token-view" data-testid="token-view">
            {spans.map((s, i) => (
              <span key={i} className="tok" data-expert={s.expert} title={`${JSON.stringify(s.text)} → ${s.detail}`} style={{ background: s.expert >= 0 ? `${categorical(s.expert)}40` : undefined, borderBottomColor: s.expert >= 0 ? categorical(s.expert) : '#999' }}>
                {s.text}
              </span>
            ))}
          </p>
          <p className="chart-note">Background and underline: the top-1 expert at this layer; hover a token for all chosen experts and their weights.</p>
        </>
      )}
    </Card>
  );
}
