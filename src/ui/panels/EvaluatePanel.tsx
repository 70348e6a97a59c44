/**
 * Stage 7, Evaluate: per-domain perplexity of every model built (sources and baselines too),
 * as a table and grouped bars; routing by domain per layer for MoE models; token-level routing;
 * and a text playground.
 */
import { useState } from 'react';
import { useStudio } from '../../state/store';
import { Card, InlineError, Needs, ProgressBar, RunButton } from '../components/common';
import { ColourLegend, Heatmap } from '../components/Heatmap';
import { short } from '../components/heatmap-layout';
import { bestPerDomain, evalDomains, pplOf, routingMatrix } from '../evaluate/eval-data';
import { Playground } from '../evaluate/Playground';
import { PplChart } from '../evaluate/PplChart';
import { TokenRoutingView } from '../evaluate/TokenRoutingView';
import { engine } from '../engine';
import { progressTo, runTask } from '../tasks';

function runEvaluation(): void {
  const { built, evalHeldOut } = useStudio.getState();
  const models = built.map((b) => b.id);
  void runTask('evaluate', (signal) => engine().call('evaluate', { models, heldOut: evalHeldOut }, { signal, onProgress: progressTo('evaluate') }), {
    stage: 'evaluate',
    onDone: (rows) => useStudio.getState().setEval(rows),
  });
}

export function EvaluatePanel() {
  const rows = useStudio((s) => s.evalRows);
  const built = useStudio((s) => s.built);
  const heldOut = useStudio((s) => s.evalHeldOut);
  const ckaExperts = useStudio((s) => s.cka?.experts);
  const order = useStudio((s) => s.expertOrder);
  const entries = useStudio((s) => s.entries);
  const experts = ckaExperts ?? order.map((i) => entries[i]?.id ?? `E${i}`);
  const [routeRow, setRouteRow] = useState(0);
  const [routeLayer, setRouteLayer] = useState(0);
  const domains = evalDomains(rows);
  const best = bestPerDomain(rows);
  const moeRows = rows.filter((r) => r.routing?.length);
  const rr = moeRows[Math.min(routeRow, moeRows.length - 1)];
  const L = rr?.routing?.length ?? 0;
  const rl = Math.min(routeLayer, Math.max(0, L - 1));
  const moeModels = built.filter((b) => b.experts > 1).map((b) => ({ id: b.id, label: b.label }));
  return (
    <div className="stage-grid">
      <Card title="Perplexity per domain" className="span-2" testId="ppl">
        {built.length === 0 && <Needs>Build the models first (stage 5); training (stage 6) is optional.</Needs>}
        <div className="row">
          <label className="small">
            <input type="checkbox" checked={heldOut} onChange={(e) => useStudio.getState().setEvalHeldOut(e.target.checked)} /> include held-out domains
          </label>
          <RunButton k="evaluate" label={`Evaluate ${built.length} model(s)`} onRun={runEvaluation} disabled={built.length === 0} />
          <ProgressBar k="evaluate" />
        </div>
        <InlineError k="evaluate" />
        {rows.length > 0 && (
          <>
            <div className="table-wrap">
              <table className="table" data-testid="ppl-table">
                <thead>
                  <tr>
                    <th>model</th>
                    {domains.map((d) => <th key={d.name} className="num">{d.name}{d.heldOut && <> <span className="badge badge-info">held out</span></>}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.model} data-testid="ppl-row" data-model={r.model}>
                      <td>{r.label} <span className="muted small">{built.find((b) => b.id === r.model)?.kind}</span></td>
                      {domains.map((d) => {
                        const v = pplOf(r, d.name);
                        return <td key={d.name} className={`num ${v === best[d.name] ? 'best' : ''}`}>{Number.isFinite(v) ? v.toFixed(2) : '–'}</td>;
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="chart-note">Bold: the best model per domain. Perplexity = exp(mean next-token loss) on the domain’s validation text.</p>
            <p className="explain">
              Reading the table: Symphony and BTX have the same experts up to a permutation of each expert’s neurons, which
              changes nothing they compute; a difference between the two comes from the backbone (SLERP vs linear mean), not
              from alignment. Alignment shows where FFN weights are averaged: the shared expert of symphony-shared.
            </p>
            <PplChart rows={rows} />
          </>
        )}
      </Card>
      {moeRows.length > 0 && rr && (
        <Card title="Routing by domain" className="span-2" testId="routing-by-domain">
          <div className="row">
            <select value={routeRow} onChange={(e) => setRouteRow(Number(e.target.value))} aria-label="Model">
              {moeRows.map((r, i) => <option key={r.model} value={i}>{r.label}</option>)}
            </select>
            <label className="field grow">
              <span className="field-label">layer {rl} of {L - 1}</span>
              <input type="range" min={0} max={Math.max(0, L - 1)} value={rl} onChange={(e) => setRouteLayer(Number(e.target.value))} />
            </label>
            <ColourLegend label="share of the domain’s routed slots" />
          </div>
          <Heatmap
            matrix={routingMatrix(rr, rl)} rowLabels={rr.perplexity.map((p) => p.domain)} colLabels={experts.map((e, i) => `E${i} ${short(e, 8)}`)}
            title={`Routing by domain, ${rr.label}, layer ${rl}`} rowAxis="domain" colAxis="expert" cellTestId="routing-cell" rowLabelWidth={90} cell={64}
          />
          <p className="chart-note">Each row sums to 1: where the router sends that domain’s tokens. A trained router sends each domain mostly to the expert from that domain’s source.</p>
        </Card>
      )}
      <TokenRoutingView models={moeModels} experts={experts} />
      <Playground models={built.map((b) => ({ id: b.id, label: b.label }))} />
    </div>
  );
}
