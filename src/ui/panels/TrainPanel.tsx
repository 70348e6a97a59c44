/**
 * Stage 6, Train: router fine-tuning with LM loss + balance loss. Start (over), Pause (aborts the
 * call; the engine keeps the state and checkpoints it), Resume (calls train again with the same
 * request; also after a reload, from the last checkpoint), Cancel (keep the steps done, or
 * discard the run); live charts from the streamed steps.
 */
import { useState } from 'react';
import { useStudio } from '../../state/store';
import type { TrainDevice, TrainRequest } from '../../workers/studio-types';
import { ExpertLoadChart, LossHistory, SeriesChart } from '../charts/TrainCharts';
import { categorical } from '../components/colour';
import { Card, Field, InlineError, Needs } from '../components/common';
import { formatNumber } from '../format';
import { engine } from '../engine';
import { cancelTask, runTask } from '../tasks';

type NumericKey = { [K in keyof TrainRequest]-?: TrainRequest[K] extends number | undefined ? K : never }[keyof TrainRequest];

/** Set by "Stop": what to do with the run once the aborted call has returned. */
let stopMode: 'keep' | 'discard' | null = null;

function startTraining(resume: boolean): void {
  stopMode = null;
  const st = useStudio.getState();
  const cfg = st.trainConfig;
  if (!resume) st.resetTrainHistory(cfg.model);
  st.setTrainPaused(false);
  void runTask('train', (signal) => engine().call('train', { ...cfg, fresh: !resume }, {
    signal,
    onProgress: (step) => {
      const s = useStudio.getState();
      s.pushTrainStep(cfg.model, step);
      s.setProgress('train', { done: step.step, total: cfg.steps, message: `LM loss ${step.lmLoss.toFixed(3)}` });
    },
  }), {
    stage: 'train',
    onDone: (summary) => {
      const s = useStudio.getState();
      s.setTrainSummary(summary);
      s.setBuilt(s.built.map((b) => (b.id === summary.model ? { ...b, trained: true } : b)));
    },
    onAborted: () => {
      useStudio.getState().setTrainPaused(stopMode === null);
      if (stopMode) stopRun(cfg.model, stopMode);
    },
  });
}

/** End the run in the engine: keep the steps done (the model stays trained) or discard them. */
function stopRun(model: string, mode: 'keep' | 'discard'): void {
  stopMode = null;
  void runTask('train', () => engine().call('stopTraining', { model, keep: mode === 'keep' }), {
    stage: null,
    onDone: (summary) => {
      const s = useStudio.getState();
      s.setTrainPaused(false);
      s.setStageStatus('train', summary ? 'done' : 'idle');
      s.setBuilt(s.built.map((b) => (b.id === model ? { ...b, trained: summary !== null && summary.steps > 0 } : b)));
      if (summary) s.setTrainSummary(summary);
      else {
        const { [model]: _dropped, ...rest } = s.trainSummaries;
        useStudio.setState({ trainSummaries: rest });
        s.resetTrainHistory(model);
      }
    },
  });
}

/** Stop: while running, abort first (the run pauses on a step boundary), then keep or discard. */
function stopTraining(mode: 'keep' | 'discard'): void {
  const st = useStudio.getState();
  if (st.running.train) {
    stopMode = mode;
    cancelTask('train');
  } else {
    stopRun(st.trainConfig.model, mode);
  }
}

export function TrainPanel() {
  const cfg = useStudio((s) => s.trainConfig);
  const allBuilt = useStudio((s) => s.built);
  const built = allBuilt.filter((b) => b.kind !== 'source');
  const history = useStudio((s) => s.trainHistory);
  const historyModel = useStudio((s) => s.trainHistoryModel);
  const paused = useStudio((s) => s.trainPaused);
  const [asking, setAsking] = useState(false);
  const running = useStudio((s) => Boolean(s.running.train));
  const progress = useStudio((s) => s.progress.train);
  const summary = useStudio((s) => s.trainSummaries[cfg.model]);
  const ckaExperts = useStudio((s) => s.cka?.experts);
  const order = useStudio((s) => s.expertOrder);
  const entries = useStudio((s) => s.entries);
  const experts = ckaExperts ?? order.map((i) => entries[i]?.id ?? `E${i}`);
  const set = useStudio.getState().setTrainConfig;
  const model = built.find((b) => b.id === cfg.model);
  const balanced = summary?.balancedAux ?? model?.topK;
  const shown = historyModel === cfg.model ? history : [];
  const last = shown[shown.length - 1];
  const numField = (k: NumericKey, label: string, step = 1, min = 0) => (
    <Field label={label}>
      <input type="number" step={step} min={min} value={cfg[k] ?? ''} disabled={running} onChange={(e) => set({ [k]: Number(e.target.value) })} />
    </Field>
  );
  return (
    <div className="stage-grid">
      <Card title="Hyper-parameters" className="span-2">
        {built.length === 0 && <Needs>Build the models first (stage 5).</Needs>}
        <div className="fields">
          <Field label="model">
            <select value={cfg.model} disabled={running} onChange={(e) => set({ model: e.target.value })} data-testid="train-model">
              <option value="">choose…</option>
              {built.map((b) => <option key={b.id} value={b.id}>{b.label}</option>)}
            </select>
          </Field>
          <Field label="what trains">
            <select value={cfg.scope} disabled={running} onChange={(e) => set({ scope: e.target.value as TrainRequest['scope'] })}>
              <option value="router">router only</option>
              <option value="router+experts">router + experts</option>
              <option value="all">all parameters</option>
            </select>
          </Field>
          <Field label="device">
            <select value={cfg.device ?? 'auto'} disabled={running} onChange={(e) => set({ device: e.target.value as TrainDevice })} data-testid="train-device"
              title="auto: WebGPU on a hardware GPU, the CPU on a software adapter (faster there)">
              <option value="auto">auto</option>
              <option value="webgpu">WebGPU (f32)</option>
              <option value="cpu">CPU (f64 reference)</option>
            </select>
          </Field>
          {numField('steps', 'steps', 10, 1)}
          {numField('lr', 'learning rate', 1e-4, 0)}
          {numField('batchTokens', 'tokens per batch', 256, 16)}
          {numField('seqLen', 'sequence length', 16, 8)}
          {numField('balanceCoef', 'balance coefficient λ', 0.005, 0)}
          {numField('warmupSteps', 'warm-up steps', 1, 0)}
          {numField('seed', 'seed')}
          {numField('checkpointEvery', 'checkpoint every (steps)', 1, 1)}
        </div>
        <div className="row">
          {!running && (
            <button type="button" className="btn btn-primary" data-testid="train-start" disabled={!cfg.model} onClick={() => startTraining(false)}>
              {shown.length ? 'Start over' : 'Start'}
            </button>
          )}
          {!running && paused && (
            <button type="button" className="btn btn-primary" data-testid="train-resume" onClick={() => startTraining(true)}>Resume</button>
          )}
          {running && <button type="button" className="btn" data-testid="train-pause" onClick={() => cancelTask('train')}>Pause</button>}
          {(running || paused) && !asking && <button type="button" className="btn" data-testid="train-cancel" onClick={() => setAsking(true)}>Cancel…</button>}
          {(running || paused) && asking && (
            <span className="row" role="group" aria-label="Cancel training">
              <button type="button" className="btn" data-testid="train-keep" onClick={() => { setAsking(false); stopTraining('keep'); }}>
                Keep the {last?.step ?? 0} steps done
              </button>
              <button type="button" className="btn" data-testid="train-discard" onClick={() => { setAsking(false); stopTraining('discard'); }}>
                Discard this run
              </button>
              <button type="button" className="btn" onClick={() => setAsking(false)}>Back</button>
            </span>
          )}
          {running && progress && <progress max={cfg.steps} value={progress.done} aria-label="training progress" />}
          <span className="small muted" data-testid="train-state">
            {running ? `training: step ${progress?.done ?? 0} of ${cfg.steps}` : paused ? `paused at step ${last?.step ?? 0}` : summary ? `finished ${summary.steps} steps` : ''}
          </span>
        </div>
        {(summary?.checkpointWarning ?? last?.checkpointWarning) && (
          <p className="small warn" role="status" data-testid="train-checkpoint-warning">{summary?.checkpointWarning ?? last?.checkpointWarning}</p>
        )}
        <InlineError k="train" />
      </Card>
      <Card title="Live" className="span-2" testId="train-charts">
        {shown.length === 0 ? (
          <p className="muted">Charts appear with the first step.</p>
        ) : (
          <>
            <p className="small">
              step {last.step}: LM loss <strong>{last.lmLoss.toFixed(4)}</strong>, aux loss <strong>{last.auxLoss.toFixed(4)}</strong>
              {balanced !== undefined && ` (balanced: ${balanced})`}, lr {formatNumber(last.lr)}
              {summary && !paused && ` · held-out loss ${summary.heldOutLossBefore.toFixed(4)} → ${summary.heldOutLossAfter.toFixed(4)}`}
              {last.device && <span className="muted" data-testid="train-device-used"> · on {last.device}</span>}
            </p>
            <div className="chart-grid">
              <SeriesChart history={shown} dataKey="lmLoss" title="LM loss" yLabel="nats / token" color={categorical(0)} testId="chart-lm-loss" />
              <SeriesChart history={shown} dataKey="auxLoss" title="Load-balancing loss" yLabel="aux loss" color={categorical(1)} refY={balanced} refLabel={`balanced = top_k = ${balanced}`} testId="chart-aux-loss" />
              <SeriesChart history={shown} dataKey="gradNorm" title="Gradient norm" yLabel="‖g‖" color={categorical(2)} testId="chart-grad-norm" />
              <SeriesChart history={shown} dataKey="tokensPerSec" title="Throughput" yLabel="tokens / s" color={categorical(3)} testId="chart-tokens-per-sec" />
              <SeriesChart history={shown} dataKey="routerEntropy" title="Router entropy" yLabel="nats" color={categorical(4)} testId="chart-router-entropy" />
              <ExpertLoadChart step={last} experts={experts} />
            </div>
          </>
        )}
        <LossHistory history={shown} />
      </Card>
    </div>
  );
}
