/**
 * Stage 3, Alignment: match each model's FFN neurons to the anchor's (exact assignment per
 * layer), with a partial-alignment slider; then per-layer charts, a histogram and a permutation
 * view, and the function-preservation number with what it means (METHOD.md section 4).
 */
import { useStudio } from '../../state/store';
import { AlignmentCharts } from '../charts/AlignmentSection';
import { Card, InlineError, Needs, ProgressBar, RunButton } from '../components/common';
import { formatNumber, formatPercent } from '../format';
import { engine } from '../engine';
import { progressTo, runTask } from '../tasks';

function runAlignment(): void {
  const partial = useStudio.getState().alignPartial;
  void runTask('alignment', (signal) => engine().call('align', { partial }, { signal, onProgress: progressTo('alignment') }), {
    stage: 'alignment',
    onDone: (a) => {
      const st = useStudio.getState();
      st.setAlignment(a);
      const first = a.layers[0];
      if (first) st.setAlignPick({ layer: first.layer, model: first.model });
    },
  });
}

export function AlignmentPanel() {
  const partial = useStudio((s) => s.alignPartial);
  const a = useStudio((s) => s.alignment);
  const calibrated = useStudio((s) => s.calibrationSummary !== null);
  return (
    <div className="stage-grid">
      <Card title="Run">
        {!calibrated && <Needs>Run calibration first (stage 2): alignment compares neurons on the calibration tokens.</Needs>}
        <label className="field">
          <span className="field-label">Partial alignment: {formatPercent(partial)} of the matched pairs moved (best-matched first; the rest keep their place)</span>
          <input
            type="range" min={0} max={1} step={0.05} value={partial} data-testid="partial-slider"
            aria-valuetext={formatPercent(partial)} onChange={(e) => useStudio.getState().setAlignPartial(Number(e.target.value))}
          />
        </label>
        <div className="row">
          <RunButton k="alignment" label="Run alignment" onRun={runAlignment} />
          <ProgressBar k="alignment" />
        </div>
        <InlineError k="alignment" />
      </Card>
      <Card title="Function preservation" testId="function-preservation">
        {a ? (
          <>
            <div className="big-number" data-testid="fp-value" data-value={a.functionPreservation}>
              max |Δ logits| = {formatNumber(a.functionPreservation)}
            </div>
            <p className="small">
              The MoE built with aligned experts and the one built without alignment give the same logits up to float
              rounding. Permuting an expert’s hidden neurons (rows of gate/up, columns of down) reorders a sum, so each
              expert computes exactly what it computed before: alignment cannot change a model whose experts stay separate.
            </p>
          </>
        ) : (
          <Needs>Run alignment to measure it (expected: about 1e-6).</Needs>
        )}
        <p className="explain">
          Where alignment matters: wherever FFN weights of different models are <em>combined</em> (a shared expert built
          as their mean, merged or mixed experts). See the Merge stage’s symphony-shared baseline.
        </p>
      </Card>
      {a && <AlignmentCharts a={a} />}
    </div>
  );
}
