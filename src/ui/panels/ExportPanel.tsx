/**
 * Stage 8, Export: write a built model as a Hugging Face checkpoint (config.json, tokenizer,
 * safetensors, loadable by stock transformers) or as ONNX, streamed by the engine worker into a
 * folder the user picks (File System Access API) or into a ZIP that is then saved.
 */
import { useState } from 'react';
import { useStudio } from '../../state/store';
import type { ExportConfig } from '../../state/results-slice';
import { Card, Field, InlineError, Needs, ProgressBar, RunButton } from '../components/common';
import { canPickFolder, pickExportFolder, saveZip } from '../export/save';
import { formatBytes } from '../format';
import { engine } from '../engine';
import { progressTo, runTask } from '../tasks';

export function ExportPanel() {
  const cfg = useStudio((s) => s.exportConfig);
  const built = useStudio((s) => s.built);
  const last = useStudio((s) => s.lastExport);
  const set = useStudio.getState().setExportConfig;
  const [saveError, setSaveError] = useState<string | null>(null);

  const folderOk = canPickFolder();
  const saveTo = folderOk ? cfg.saveTo ?? 'folder' : 'zip';
  const run = async () => {
    const { saveTo: _, ...params } = useStudio.getState().exportConfig;
    setSaveError(null);
    let dir: FileSystemDirectoryHandle | null = null;
    if (saveTo === 'folder') {
      try {
        dir = await pickExportFolder();
      } catch (e) {
        setSaveError(e instanceof Error ? e.message : String(e));
        return;
      }
      if (!dir) return; // dialog cancelled
    }
    const target = dir ? { kind: 'folder' as const, dir } : { kind: 'zip' as const };
    void runTask('export', (signal) => engine().call('exportModel', { ...params, target }, { signal, onProgress: progressTo('export') }), {
      stage: 'export',
      onDone: (r) => {
        const done = (savedAs: string) => useStudio.getState().setLastExport({ name: r.name, bytes: r.bytes, savedAs });
        if (r.folder && dir) return done(`${r.files} files written to ${dir.name}/${r.folder}`);
        if (!r.zip) return setSaveError('The export returned no archive.');
        saveZip(r.name, r.zip).then(
          (how) => done(how ?? 'not saved (dialog cancelled): export again to save'),
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
        <span className="field-label">format</span>
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
        <span className="field-label" style={{ marginTop: 8 }}>save to</span>
        <div role="radiogroup" aria-label="Save to" className="choices">
          <label className="choice">
            <input type="radio" name="save-to" checked={saveTo === 'folder'} disabled={!folderOk} onChange={() => set({ saveTo: 'folder' })} data-testid="save-to-folder" />
            <span><strong>a folder</strong> <span className="muted small">{folderOk ? 'you pick; files are written into it as they are made' : 'not available in this browser (File System Access API)'}</span></span>
          </label>
          <label className="choice">
            <input type="radio" name="save-to" checked={saveTo === 'zip'} onChange={() => set({ saveTo: 'zip' })} data-testid="save-to-zip" />
            <span><strong>a ZIP file</strong> <span className="muted small">built on disk, then saved or downloaded</span></span>
          </label>
        </div>
        <div className="row">
          <RunButton k="export" label={saveTo === 'folder' ? 'Export to a folder…' : 'Export'} onRun={() => void run()} disabled={!cfg.model} />
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
