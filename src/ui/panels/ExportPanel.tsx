/**
 * Stage 8, Export: write a built model as a Hugging Face checkpoint (config.json, tokenizer,
 * safetensors, loadable by stock transformers) or as ONNX, zipped, and save it.
 */
import { useState } from 'react';
import { useStudio } from '../../state/store';
import type { ExportConfig } from '../../state/results-slice';
import { Card, Field, InlineError, Needs, ProgressBar, RunButton } from '../components/common';
import { saveZip } from '../export/save';
import { formatBytes } from '../format';
import { engine } from '../engine';
import { progressTo, runTask } from '../tasks';

export function ExportPanel() {
  const cfg = useStudio((s) => s.exportConfig);
  const built = useStudio((s) => s.built);
  const last = useStudio((s) => s.lastExport);
  const set = useStudio.getState().setExportConfig;
  const [saveError, setSaveError] = useState<string | null>(null);

  const run = () => {
    const params = { ...useStudio.getState().exportConfig };
    setSaveError(null);
    void runTask('export', (signal) => engine().call('exportModel', params, { signal, onProgress: progressTo('export') }), {
      stage: 'export',
      onDone: (r) => {
        saveZip(r.name, r.zip).then(
          (how) => useStudio.getState().setLastExport({ name: r.name, bytes: r.zip.byteLength, savedAs: how ?? 'not saved (dialog cancelled): export again to save' }),
          (e: unknown) => setSaveError(e instanceof Error ? e.message : String(e)),
        );
      },
    });
  };

  return (
    <div className="stage-grid">
      <Card title="Export a model">
        {built.length === 0 && <Needs>Build the models first (stage 5).</Needs>}
        <div className="fields">
          <Field label="model">
            <select value={cfg.model} onChange={(e) => set({ model: e.target.value })} data-testid="export-model">
              <option value="">choose…</option>
              {built.map((b) => <option key={b.id} value={b.id}>{b.label}{b.trained ? ' (trained)' : ''}</option>)}
            </select>
          </Field>
          <Field label="weights dtype">
            <select value={cfg.dtype} onChange={(e) => set({ dtype: e.target.value as ExportConfig['dtype'] })}>
              <option value="f32">float32</option>
              <option value="bf16">bfloat16 (half the size)</option>
            </select>
          </Field>
        </div>
        <div role="radiogroup" aria-label="Format" className="choices">
          <label className="choice">
            <input type="radio" name="format" checked={cfg.format === 'hf'} onChange={() => set({ format: 'hf' })} />
            <span><strong>Hugging Face</strong> <span className="muted small">config.json + safetensors + tokenizer; loads with transformers’ AutoModelForCausalLM</span></span>
          </label>
          <label className="choice">
            <input type="radio" name="format" checked={cfg.format === 'onnx'} onChange={() => set({ format: 'onnx' })} />
            <span><strong>ONNX</strong> <span className="muted small">one graph for onnxruntime (web or native)</span></span>
          </label>
        </div>
        <div className="row">
          <RunButton k="export" label="Export" onRun={run} disabled={!cfg.model} />
          <ProgressBar k="export" />
        </div>
        <InlineError k="export" />
        {saveError && <div className="inline-error" role="alert">Could not save the file: {saveError}</div>}
      </Card>
      <Card title="Last export">
        {last ? (
          <p data-testid="last-export"><code>{last.name}</code>, {formatBytes(last.bytes)}: {last.savedAs}.</p>
        ) : (
          <p className="muted">Nothing exported in this session yet.</p>
        )}
      </Card>
    </div>
  );
}
