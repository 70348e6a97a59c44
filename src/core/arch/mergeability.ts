/**
 * Can these N sources be merged? A field-by-field diff of their configs plus their tensor
 * name/shape sets, each row with a severity and a plain-language message (FORMATS.md):
 *   error    the merge cannot proceed (different families, widths, layer counts, shapes...)
 *   warning  the merge proceeds but something changes (e.g. rope_theta differs: the experts from
 *            the other sources run with the anchor's rotary frequencies)
 *   info     handled automatically (e.g. vocabularies differ: embeddings merged by token string)
 *   ok       all sources agree
 * Source 0 is the anchor (its values win where a warning says so).
 */
import { DENSE_FAMILIES, describeRopeScaling, type ArchConfig } from './config';
import { buildArchSpec, checkTensorsAgainstSpec } from './spec';

export type Severity = 'error' | 'warning' | 'info' | 'ok';

export interface DiffRow {
  /** The config field (HF name) or "tensors" / "tensor <name>". */
  field: string;
  /** Each source's value as displayed, in source order. */
  values: string[];
  severity: Severity;
  message: string;
}

export interface MergeSource {
  label: string;
  config: ArchConfig;
  /** Tensor name -> shape as found in the checkpoint. */
  tensors: ReadonlyMap<string, { shape: readonly number[] }>;
}

export interface MergeReport {
  mergeable: boolean;
  rows: DiffRow[];
  counts: Record<Severity, number>;
}

interface FieldRule {
  field: string;
  get: (c: ArchConfig) => unknown;
  severity: Exclude<Severity, 'ok'>;
  /** Message when values differ; `labels` lists sources whose value differs from the anchor's. */
  why: (anchor: string, labels: string) => string;
}

const show = (v: unknown): string =>
  v === null || v === undefined ? '-' : Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'string' ? v : JSON.stringify(v);
const shape = (s: readonly number[]): string => `[${s.join(', ')}]`;

const RULES: FieldRule[] = [
  { field: 'model_type', get: (c) => c.modelType, severity: 'error', why: () => 'The sources are different architectures; only models of one family (all qwen2, all llama or all mistral) can be merged.' },
  { field: 'hidden_size', get: (c) => c.hiddenSize, severity: 'error', why: () => 'Residual widths differ, so no weight can be shared; pick sources of the same size.' },
  { field: 'intermediate_size', get: (c) => c.intermediateSize, severity: 'error', why: () => 'FFN widths differ, so the experts cannot be aligned neuron by neuron; pick sources of the same size.' },
  { field: 'num_hidden_layers', get: (c) => c.numLayers, severity: 'error', why: () => 'Layer counts differ; layers are merged one to one, so pick sources of the same depth.' },
  { field: 'num_attention_heads', get: (c) => c.numHeads, severity: 'error', why: () => 'Attention head counts differ; the attention weights cannot be fused.' },
  { field: 'num_key_value_heads', get: (c) => c.numKvHeads, severity: 'error', why: () => 'Key/value head counts (GQA) differ; the attention weights cannot be fused.' },
  { field: 'head_dim', get: (c) => c.headDim, severity: 'error', why: () => 'Head dimensions differ; the attention weights cannot be fused.' },
  { field: 'hidden_act', get: (c) => c.hiddenAct, severity: 'error', why: () => 'Activation functions differ; an expert would compute something else than it was trained to.' },
  { field: 'attention_bias', get: (c) => `${c.qkvBias ? 'qkv' : 'none'}${c.oBias ? '+o' : ''}`, severity: 'error', why: () => 'Attention bias layouts differ; the fused attention would lack or invent biases.' },
  { field: 'mlp_bias', get: (c) => c.mlpBias, severity: 'error', why: () => 'FFN bias layouts differ; the experts would not share one layout.' },
  {
    field: 'tie_word_embeddings',
    get: (c) => c.tieWordEmbeddings,
    severity: 'error',
    why: () => 'Some sources tie the LM head to the embeddings and some do not; pick sources that all tie or all untie (usually: the same model size).',
  },
  {
    field: 'rope_theta',
    get: (c) => c.ropeTheta,
    severity: 'warning',
    why: (a, l) =>
      `${l} encode positions with a different rotary base than the anchor ${a}. The merged model uses the anchor's; attention in the backbone fused from ${l} sees rotated positions it was not trained with, which usually costs quality (most at long contexts). Prefer sources with the same rope_theta, or fine-tune all parameters after the merge.`,
  },
  {
    field: 'rope_scaling',
    get: (c) => describeRopeScaling(c.ropeScaling),
    severity: 'warning',
    why: (a, l) => `${l} scale rotary positions differently from the anchor ${a}. The merged model uses the anchor's scaling; long-context behaviour of the other sources changes.`,
  },
  {
    field: 'rms_norm_eps',
    get: (c) => c.rmsNormEps,
    severity: 'warning',
    why: (a, l) => `${l} use a different RMSNorm epsilon than the anchor ${a}; the merged model uses the anchor's. The effect is tiny unless activations are very small.`,
  },
  {
    field: 'sliding_window',
    get: (c) => c.slidingWindow,
    severity: 'warning',
    why: (a) => `Attention windows differ; the merged model uses the anchor ${a}'s window, so other sources attend over a different span than they were trained with.`,
  },
  {
    field: 'max_position_embeddings',
    get: (c) => c.maxPositionEmbeddings,
    severity: 'info',
    why: (a) => `Maximum context lengths differ; the merged model keeps the anchor ${a}'s. Stay within the shortest to be safe.`,
  },
  {
    field: 'vocab_size',
    get: (c) => c.vocabSize,
    severity: 'info',
    why: () => 'Vocabulary sizes differ: embeddings are merged by token string (shared tokens averaged, the rest kept) and the merged tokenizer is the union.',
  },
  { field: 'bos_token_id', get: (c) => c.bosTokenId, severity: 'info', why: (a) => `Special token ids differ; the merged model uses the anchor ${a}'s tokenizer conventions.` },
  { field: 'eos_token_id', get: (c) => c.eosTokenId, severity: 'info', why: (a) => `Special token ids differ; the merged model uses the anchor ${a}'s tokenizer conventions.` },
  { field: 'torch_dtype', get: (c) => c.torchDtype, severity: 'info', why: () => 'Stored dtypes differ; every weight is decoded to f32, so this does not matter.' },
];

/** Tensor names whose first axis is the vocabulary (allowed to differ in length). */
const VOCAB_TENSORS = new Set(['model.embed_tokens.weight', 'lm_head.weight']);
const MAX_TENSOR_ROWS = 20;

export function checkMergeability(sources: readonly MergeSource[]): MergeReport {
  const rows: DiffRow[] = [];
  if (sources.length < 2) {
    rows.push({ field: 'sources', values: sources.map((s) => s.label), severity: 'error', message: 'A merge needs at least two sources; add another model.' });
    return finish(rows);
  }
  const labels = sources.map((s) => s.label);
  const moe = sources.filter((s) => !DENSE_FAMILIES.includes(s.config.family));
  if (moe.length > 0) {
    rows.push({
      field: 'architectures',
      values: sources.map((s) => s.config.family),
      severity: 'error',
      message: `${moe.map((s) => s.label).join(', ')} ${moe.length === 1 ? 'is' : 'are'} already a Mixture-of-Experts; the studio builds a MoE from dense models, so pick dense sources.`,
    });
  }
  for (const r of RULES) {
    const vals = sources.map((s) => show(r.get(s.config)));
    const differ = sources.map((_, i) => i).filter((i) => vals[i] !== vals[0]);
    if (differ.length === 0) {
      rows.push({ field: r.field, values: vals, severity: 'ok', message: 'All sources agree.' });
      continue;
    }
    const who = differ.map((i) => labels[i]).join(', ');
    rows.push({ field: r.field, values: vals, severity: r.severity, message: r.why(labels[0], who) });
  }
  rows.push(...tensorRows(sources));
  return finish(rows);
}

function tensorRows(sources: readonly MergeSource[]): DiffRow[] {
  const rows: DiffRow[] = [];
  const names = new Set<string>();
  for (const s of sources) for (const n of s.tensors.keys()) names.add(n);
  let problems = 0;
  let vocabDiffers = false;
  for (const name of names) {
    const shapes = sources.map((s) => s.tensors.get(name)?.shape);
    const vals = shapes.map((sh) => (sh ? shape(sh) : 'missing'));
    if (vals.every((v) => v === vals[0])) continue;
    if (VOCAB_TENSORS.has(name) && shapes.every((sh) => sh && sh.length === 2 && sh[1] === shapes[0]![1])) {
      vocabDiffers = true;
      continue;
    }
    problems++;
    if (problems > MAX_TENSOR_ROWS) continue;
    const missingIn = sources.filter((_, i) => !shapes[i]).map((s) => s.label);
    rows.push({
      field: `tensor ${name}`,
      values: vals,
      severity: 'error',
      message: missingIn.length
        ? `${missingIn.join(', ')} ${missingIn.length === 1 ? 'has' : 'have'} no tensor ${name}, which the other sources have; the checkpoints do not share one layout.`
        : `Shapes of ${name} differ; the weights cannot be combined.`,
    });
  }
  if (problems > MAX_TENSOR_ROWS) {
    rows.push({ field: 'tensors', values: sources.map(() => ''), severity: 'error', message: `${problems - MAX_TENSOR_ROWS} more tensors differ in name or shape.` });
  }
  if (vocabDiffers) {
    rows.push({
      field: 'tensor model.embed_tokens.weight',
      values: sources.map((s) => (s.tensors.get('model.embed_tokens.weight') ? shape(s.tensors.get('model.embed_tokens.weight')!.shape) : 'missing')),
      severity: 'info',
      message: 'Embedding tables have different numbers of rows; they are merged by token string.',
    });
  }
  // Each checkpoint against its own config: catches a config that does not describe its weights.
  sources.forEach((s) => {
    if (!DENSE_FAMILIES.includes(s.config.family)) return;
    const c = checkTensorsAgainstSpec(buildArchSpec(s.config), s.tensors);
    const bad = [...c.missing, ...c.wrongShape.map((w) => w.name)];
    if (bad.length > 0) {
      rows.push({
        field: 'tensors vs config',
        values: sources.map((o) => (o === s ? `${bad.length} mismatched` : '')),
        severity: 'error',
        message: `${s.label}: ${bad.length} tensors do not match what its config.json implies (e.g. ${bad[0]}); the checkpoint is inconsistent or of an unsupported variant.`,
      });
    }
    const extra = c.unexpected.filter((n) => !(n === 'lm_head.weight' && s.config.tieWordEmbeddings));
    if (extra.length > 0) {
      rows.push({
        field: 'tensors vs config',
        values: sources.map((o) => (o === s ? `${extra.length} extra` : '')),
        severity: 'warning',
        message: `${s.label}: ${extra.length} tensors are not part of the ${s.config.family} layout (e.g. ${extra[0]}); they will be ignored.`,
      });
    }
  });
  return rows;
}

function finish(rows: DiffRow[]): MergeReport {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, ok: 0 };
  for (const r of rows) counts[r.severity]++;
  return { mergeable: counts.error === 0, rows, counts };
}
