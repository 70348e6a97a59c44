/**
 * Stage 4, CKA: expert x expert CKA per layer (a layer slider with a large heatmap, and a grid
 * of all layers), the before/after-alignment toggle that shows they are the same, and the
 * model x model layer x layer CKA of the residual streams.
 */
import { useStudio } from '../../state/store';
import { Card, InlineError, Needs, ProgressBar, RunButton } from '../components/common';
import { ColourLegend, Heatmap } from '../components/Heatmap';
import { short, streamLabels, toMatrix } from '../components/heatmap-layout';
import { formatNumber } from '../format';
import { engine } from '../engine';
import { progressTo, runTask } from '../tasks';

function runCka(): void {
  void runTask('cka', (signal) => engine().call('cka', {}, { signal, onProgress: progressTo('cka') }), {
    stage: 'cka',
    onDone: (c) => useStudio.getState().setCka(c),
  });
}

export function CkaPanel() {
  const cka = useStudio((s) => s.cka);
  const view = useStudio((s) => s.ckaView);
  const aligned = useStudio((s) => s.alignment !== null);
  const setView = useStudio.getState().setCkaView;
  const mats = cka ? (view.which === 'aligned' ? cka.aligned : cka.unaligned) : [];
  const E = cka?.experts.length ?? 0;
  const layer = Math.min(view.layer, Math.max(0, mats.length - 1));
  const labels = cka?.experts.map((e, i) => `E${i} ${short(e, 10)}`) ?? [];
  return (
    <div className="stage-grid">
      <Card title="Run" className="span-2">
        {!aligned && <Needs>Run alignment first (stage 3): CKA is measured for the MoE with and without it.</Needs>}
        <div className="row">
          <RunButton k="cka" label="Compute CKA" onRun={runCka} />
          <ProgressBar k="cka" />
          <ColourLegend label="linear CKA (0: unrelated, 1: same up to rotation and scale)" />
        </div>
        <InlineError k="cka" />
      </Card>
      {cka && (
        <>
          <Card title={`Expert × expert CKA, layer ${layer}`} testId="cka-layer">
            <div className="row">
              <label className="field grow">
                <span className="field-label">layer {layer} of {mats.length - 1}</span>
                <input type="range" min={0} max={Math.max(0, mats.length - 1)} value={layer} data-testid="cka-layer-slider" onChange={(e) => setView({ layer: Number(e.target.value) })} />
              </label>
              <div role="radiogroup" aria-label="Experts" className="segmented">
                {(['aligned', 'unaligned'] as const).map((w) => (
                  <label key={w}>
                    <input type="radio" name="cka-which" checked={view.which === w} onChange={() => setView({ which: w })} data-testid={`cka-${w}`} />
                    {w === 'aligned' ? ' after alignment' : ' without alignment'}
                  </label>
                ))}
              </div>
            </div>
            {mats[layer] && (
              <Heatmap
                matrix={toMatrix(mats[layer], E)} rowLabels={labels} colLabels={labels.map((_, i) => `E${i}`)}
                title={`Expert CKA at layer ${layer}, ${view.which}`} rowAxis="expert" colAxis="expert" cellTestId="cka-cell" rowLabelWidth={110}
              />
            )}
            <p className="explain" data-testid="cka-invariance">
              Largest difference between the two: <strong data-testid="cka-max-difference" data-value={cka.maxDifference}>{formatNumber(cka.maxDifference)}</strong>.
              The heatmaps do not move, and that is the point: CKA compares what two experts compute over the same tokens,
              and permuting an expert’s hidden neurons does not change what it computes.
            </p>
          </Card>
          <Card title="All layers" testId="cka-multiples">
            <p className="chart-note">Click a layer to show it large. Same colour scale as the legend above.</p>
            <div className="multiples">
              {mats.map((m, l) => (
                <button key={l} type="button" aria-pressed={l === layer} onClick={() => setView({ layer: l })} aria-label={`Layer ${l}`}>
                  <Heatmap matrix={toMatrix(m, E)} rowLabels={labels} colLabels={labels} title={`layer ${l}`} compact cell={Math.max(8, Math.floor(72 / Math.max(1, E)))} cellTestId="cka-mini-cell" />
                  layer {l}
                </button>
              ))}
            </div>
          </Card>
          <Card title="Residual stream CKA: model × model, layer × layer" className="span-2" testId="cka-streams">
            <p className="chart-note">
              Each block compares two models’ hidden states layer by layer on the calibration tokens; branched models stay
              close to their base along the diagonal, an independently trained model does not line up.
            </p>
            <Heatmap
              matrix={toMatrix(cka.layers, cka.models.length * cka.numLayers)} rowLabels={streamLabels(cka.models, cka.numLayers)}
              colLabels={streamLabels(cka.models, cka.numLayers).map((_, i) => (i % cka.numLayers === 0 ? short(cka.models[i / cka.numLayers], 8) : ''))} title="Residual-stream CKA" rowAxis="model : layer" colAxis="model : layer"
              group={cka.numLayers} cellTestId="cka-stream-cell" maxWidth={760} rowLabelWidth={90}
            />
          </Card>
        </>
      )}
    </div>
  );
}
