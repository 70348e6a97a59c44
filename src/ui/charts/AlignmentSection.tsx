/** The alignment results: per-layer charts, and one layer/model in detail (histogram, permutation). */
import { useStudio } from '../../state/store';
import type { AlignmentSummary } from '../../workers/studio-types';
import { categorical } from '../components/colour';
import { Card, InlineError } from '../components/common';
import { formatPercent } from '../format';
import { engine } from '../engine';
import { runTask } from '../tasks';
import { alignedModels } from './chart-data';
import { CorrelationChart, FixedPointsChart, HistogramChart, PermutationChart } from './AlignmentCharts';

function showPermutation(model: number, layer: number): void {
  void runTask('permutation', (signal) => engine().call('permutation', { model, layer }, { signal }), {
    stage: null,
    onDone: (r) => useStudio.getState().setPermutation({ model, layer, sigma: r.sigma, matched: r.matched }),
  });
}

export function AlignmentCharts({ a }: { a: AlignmentSummary }) {
  const summaries = useStudio((s) => s.summaries);
  const catalog = useStudio((s) => s.catalog);
  const pick = useStudio((s) => s.alignPick);
  const perm = useStudio((s) => s.permutation);
  const permRunning = useStudio((s) => Boolean(s.running.permutation));
  const label = (m: number) => {
    const id = summaries[m]?.id ?? `model ${m}`;
    const origin = catalog?.models.find((x) => x.id === id)?.origin;
    return origin ? `${id} (${origin})` : id;
  };
  const models = alignedModels(a);
  const layers = [...new Set(a.layers.map((l) => l.layer))].sort((x, y) => x - y);
  const picked = a.layers.find((l) => l.layer === pick.layer && l.model === pick.model);
  const permShown = perm && perm.layer === pick.layer && perm.model === pick.model ? perm : null;
  return (
    <>
      <Card title="Matched correlation per layer" className="span-2">
        <p className="chart-note">
          Mean correlation of each anchor neuron with its partner, before (identity order, dashed) and after matching
          (solid); anchor {label(a.anchor)}, {a.tokens.toLocaleString('en-US')} tokens, {a.width} neurons per layer.
        </p>
        <CorrelationChart a={a} label={label} />
      </Card>
      <Card title="Fixed points of the permutation">
        <p className="chart-note">
          Fraction of neurons the matching leaves in place. Experts fine-tuned from the anchor’s base keep their order
          (near 1); an independently pre-trained model’s neurons are in an arbitrary order (near 0).
        </p>
        <FixedPointsChart a={a} label={label} />
      </Card>
      <Card title="One layer in detail" testId="layer-detail">
        <div className="row">
          <label className="small">
            layer{' '}
            <select value={pick.layer} onChange={(e) => useStudio.getState().setAlignPick({ layer: Number(e.target.value) })}>
              {layers.map((l) => <option key={l} value={l}>{l}</option>)}
            </select>
          </label>
          <label className="small">
            model{' '}
            <select value={pick.model} onChange={(e) => useStudio.getState().setAlignPick({ model: Number(e.target.value) })}>
              {models.map((m) => <option key={m} value={m}>{label(m)}</option>)}
            </select>
          </label>
        </div>
        {picked ? (
          <>
            <p className="small">
              mean correlation {picked.meanCorrBefore.toFixed(3)} → {picked.meanCorrAfter.toFixed(3)} · fixed points {formatPercent(picked.fixedPoints, 1)} ·
              dead neurons {picked.deadAnchor} (anchor) / {picked.deadModel} · {picked.certified ? 'optimal (certified)' : 'not certified'} · {picked.ms.toFixed(0)} ms
            </p>
            <div className="chart-title">Matched correlations</div>
            <HistogramChart counts={picked.histogram} color={categorical(pick.model)} />
          </>
        ) : (
          <p className="muted small">No alignment for this layer and model (the anchor is not aligned to itself).</p>
        )}
        <div className="chart-title">Permutation σ of layer {pick.layer}</div>
        {permShown ? (
          <>
            <p className="chart-note">Points on the dashed diagonal are neurons that stay in place.</p>
            <PermutationChart sigma={permShown.sigma} color={categorical(pick.model)} />
          </>
        ) : (
          <button type="button" className="btn" data-testid="show-permutation" disabled={permRunning || !picked} onClick={() => showPermutation(pick.model, pick.layer)}>
            {permRunning ? 'Fetching…' : 'Show the permutation'}
          </button>
        )}
        <InlineError k="permutation" />
      </Card>
    </>
  );
}
