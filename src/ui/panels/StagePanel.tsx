/** The open stage's panel. Stages not built yet say what they will do and that they are coming. */
import { STAGES } from '../../state/stages';
import { useStudio } from '../../state/store';

export function StagePanel() {
  const active = useStudio((s) => s.activeStage);
  const stage = STAGES.find((s) => s.id === active) ?? STAGES[0];
  return (
    <section className="stage-panel" role="tabpanel" aria-labelledby={`stage-${stage.id}`} data-testid={`panel-${stage.id}`}>
      <h2>{stage.title}</h2>
      <p className="blurb">{stage.blurb}</p>
      <p className="not-yet" data-testid="not-yet">
        This stage is not available in this build yet.
      </p>
    </section>
  );
}
