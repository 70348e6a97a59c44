/** The workflow's stages, in order, with what each does (shown in the navigation and panels). */

export const STAGES = [
  { id: 'sources', title: 'Sources', blurb: 'Pick the dense models to combine: Hub IDs, local files or the built-in demo family.' },
  { id: 'calibration', title: 'Calibration', blurb: 'Choose the text, per domain, that the models read while their neurons are compared.' },
  { id: 'alignment', title: 'Alignment', blurb: "Match every model's FFN neurons to the anchor's by activation correlation (exact assignment)." },
  { id: 'cka', title: 'CKA', blurb: 'Compare representations across experts and layers, before and after alignment.' },
  { id: 'merge', title: 'Merge', blurb: 'Fuse the backbone, assemble the experts into an MoE, and build the baselines.' },
  { id: 'train', title: 'Train', blurb: 'Fine-tune the router with LM loss plus load balancing.' },
  { id: 'evaluate', title: 'Evaluate', blurb: 'Per-domain perplexity of every model built, routing by domain, and a playground.' },
  { id: 'export', title: 'Export', blurb: 'Write a checkpoint that stock transformers loads, and an ONNX model.' },
] as const;

export type StageId = (typeof STAGES)[number]['id'];

/** Where a stage stands; `running` is never persisted (a reload shows it as not started). */
export type StageStatus = 'idle' | 'running' | 'done' | 'error';

export const STAGE_STATUS_LABEL: Record<StageStatus, string> = {
  idle: 'not started',
  running: 'running',
  done: 'done',
  error: 'error',
};

/** The stages after `id`, whose results depend on it. */
export function stagesAfter(id: StageId): StageId[] {
  const i = STAGES.findIndex((s) => s.id === id);
  return STAGES.slice(i + 1).map((s) => s.id);
}
