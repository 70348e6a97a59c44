/** Generate text with any built model; the text streams in as the engine reports it. */
import { useStudio } from '../../state/store';
import { Card, Field, InlineError, RunButton } from '../components/common';
import { engine } from '../engine';
import { runTask } from '../tasks';

function generate(): void {
  const { playground: p, setPlayground } = useStudio.getState();
  setPlayground({ output: '' });
  const params = { model: p.model, prompt: p.prompt, maxNewTokens: p.maxNewTokens, greedy: p.greedy, temperature: p.temperature, seed: p.seed };
  void runTask('generate', (signal) => engine().call('generate', params, { signal, onProgress: (e) => useStudio.getState().setPlayground({ output: e.text }) }), {
    stage: null,
    onDone: (r) => useStudio.getState().setPlayground({ output: r.text }),
  });
}

export function Playground({ models }: { models: { id: string; label: string }[] }) {
  const p = useStudio((s) => s.playground);
  const set = useStudio.getState().setPlayground;
  return (
    <Card title="Playground" className="span-2" testId="playground">
      <div className="fields">
        <Field label="model">
          <select value={p.model} onChange={(e) => set({ model: e.target.value })}>
            <option value="">choose…</option>
            {models.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
          </select>
        </Field>
        <Field label="new tokens"><input type="number" min={1} max={512} value={p.maxNewTokens} onChange={(e) => set({ maxNewTokens: Number(e.target.value) })} /></Field>
        <Field label="temperature"><input type="number" min={0} step={0.1} value={p.temperature} disabled={p.greedy} onChange={(e) => set({ temperature: Number(e.target.value) })} /></Field>
        <Field label="seed"><input type="number" value={p.seed} disabled={p.greedy} onChange={(e) => set({ seed: Number(e.target.value) })} /></Field>
      </div>
      <label className="small"><input type="checkbox" checked={p.greedy} onChange={(e) => set({ greedy: e.target.checked })} /> greedy (always the most likely token)</label>
      <textarea className="doc-box" rows={2} value={p.prompt} onChange={(e) => set({ prompt: e.target.value })} aria-label="Prompt" />
      <div className="row">
        <RunButton k="generate" label="Generate" onRun={generate} disabled={!p.model || !p.prompt} />
      </div>
      <InlineError k="generate" />
      {p.output && <pre className="gen-output" data-testid="gen-output"><span className="muted">{p.prompt}</span>{p.output}</pre>}
    </Card>
  );
}
