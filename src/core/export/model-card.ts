/**
 * README.md model card of an export: Hub front matter (base_model list, tags moe/merge,
 * library_name), the sources and experts, the recipe itself, the measured metrics passed in, and
 * how to load the model with transformers. No dates or machine details, so the same inputs give
 * the same bytes.
 */
import type { ModelConfig } from '../../model/config';

export interface ModelCardInput {
  /** Title line; defaults to "Symphony-MoE merge". */
  title?: string;
  /** Hub ids of the sources (base_model list), in source order. */
  baseModels: string[];
  /** Revision per source (commit SHA), same order. */
  revisions?: string[];
  /** Expert -> source index (the MoE layout); omitted for dense exports. */
  experts?: number[];
  /** Measured metrics (name -> value), shown as a table in the given order. */
  metrics?: Record<string, number | string>;
  license?: string;
  /** Canonical recipe text (recipe.json), embedded verbatim. */
  recipeText?: string;
}

const yamlString = (s: string): string => (/^[A-Za-z0-9._/-]+$/.test(s) ? s : JSON.stringify(s));

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? v.toPrecision(6).replace(/\.?0+$/, '') : v.toExponential(4);
}

export function modelCard(cfg: ModelConfig, input: ModelCardInput): string {
  const title = input.title ?? 'Symphony-MoE merge';
  const lines: string[] = ['---'];
  if (input.baseModels.length > 0) {
    lines.push('base_model:');
    for (const b of input.baseModels) lines.push(`- ${yamlString(b)}`);
  }
  lines.push('library_name: transformers');
  if (input.license) lines.push(`license: ${yamlString(input.license)}`);
  lines.push('tags:', '- moe', '- merge', '- symphony-moe', '---', '', `# ${title}`, '');
  const arch = cfg.modelType === 'qwen2_moe' ? 'Qwen2MoeForCausalLM' : cfg.modelType === 'mixtral' ? 'MixtralForCausalLM' : cfg.modelType;
  if (cfg.moe) {
    const shared = cfg.moe.sharedExpertIntermediateSize;
    lines.push(
      `A Mixture-of-Experts (${arch}) built from dense models with the Symphony-MoE method ` +
        '(arXiv 2509.18542): a fused backbone, FFN experts aligned to the anchor by activation matching, and a trained router.',
      '',
      `- ${cfg.numLayers} layers, hidden ${cfg.hiddenSize}, vocabulary ${cfg.vocabSize}`,
      `- ${cfg.moe.numExperts} experts of width ${cfg.moe.expertIntermediateSize}, top-${cfg.moe.topK}` +
        `${cfg.moe.normTopkProb ? ' (renormalised)' : ''}`,
      `- shared expert: ${shared > 1 ? `width ${shared}, sigmoid-gated` : 'none (a width-1 all-zero placeholder that contributes exactly 0)'}`,
      '',
    );
  } else {
    lines.push(`A dense ${arch} model exported by Symphony Studio.`, '');
  }
  lines.push('## Sources', '', '| # | model | revision | experts |', '| --- | --- | --- | --- |');
  input.baseModels.forEach((b, i) => {
    const ex = (input.experts ?? []).flatMap((s, e) => (s === i ? [String(e)] : [])).join(', ');
    lines.push(`| ${i} | ${b} | ${input.revisions?.[i] ?? ''} | ${ex} |`);
  });
  lines.push('');
  const metrics = Object.entries(input.metrics ?? {});
  if (metrics.length > 0) {
    lines.push('## Measured metrics', '', '| metric | value |', '| --- | --- |');
    for (const [k, v] of metrics) lines.push(`| ${k} | ${fmt(v)} |`);
    lines.push('');
  }
  lines.push(
    '## Usage', '',
    '```python',
    'from transformers import AutoModelForCausalLM, AutoTokenizer',
    'model = AutoModelForCausalLM.from_pretrained("path/to/this/folder")',
    'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
    '```', '',
  );
  if (input.recipeText) {
    lines.push('## Recipe', '', 'The merge is reproduced exactly by `recipe.json` (also below).', '', '```json', input.recipeText.trimEnd(), '```', '');
  }
  return lines.join('\n');
}
