/** The open stage's panel: title, what the stage does, its status, and its content. */
import type { ReactNode } from 'react';
import { STAGES, STAGE_STATUS_LABEL, type StageId } from '../../state/stages';
import { useStudio } from '../../state/store';
import { AlignmentPanel } from './AlignmentPanel';
import { CalibrationPanel } from './CalibrationPanel';
import { CkaPanel } from './CkaPanel';
import { EvaluatePanel } from './EvaluatePanel';
import { ExportPanel } from './ExportPanel';
import { MergePanel } from './MergePanel';
import { SourcesPanel } from './SourcesPanel';
import { TrainPanel } from './TrainPanel';
import { RestoreNote, RestoreStatus } from './RestoreNote';

const PANELS: Record<StageId, () => ReactNode> = {
  sources: SourcesPanel,
  calibration: CalibrationPanel,
  alignment: AlignmentPanel,
  cka: CkaPanel,
  merge: MergePanel,
  train: TrainPanel,
  evaluate: EvaluatePanel,
  export: ExportPanel,
};

export function StagePanel() {
  const active = useStudio((s) => s.activeStage);
  const status = useStudio((s) => s.stageStatus[active]);
  const stage = STAGES.find((s) => s.id === active) ?? STAGES[0];
  const Panel = PANELS[stage.id];
  const restored = useStudio((s) => (!s.engineHasSources && s.summaries.length > 0) || Boolean(s.running.restore));
  return (
    <section className="stage-panel" role="tabpanel" aria-labelledby={`stage-${stage.id}`} data-testid={`panel-${stage.id}`}>
      <div className="panel-head">
        <h2>{stage.title}</h2>
        <span className={`status status-${status}`} data-testid="panel-status">{STAGE_STATUS_LABEL[status]}</span>
      </div>
      <p className="blurb">{stage.blurb}</p>
      {restored && <RestoreNote />}
      <RestoreStatus />
      <Panel />
    </section>
  );
}
