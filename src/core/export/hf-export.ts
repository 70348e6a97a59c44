/**
 * Hugging Face export (FORMATS.md "Writing a merged MoE that stock transformers loads"): from any
 * WeightProvider and the anchor's raw config.json, stream a folder that
 * AutoModelForCausalLM.from_pretrained loads: config.json, the copied files (tokenizer,
 * generation_config.json), safetensors shards of at most `maxShardBytes` ("__metadata__":
 * {"format": "pt"}) with model.safetensors.index.json when there is more than one, recipe.json,
 * permutations.json and a README model card. Tensors are fetched, encoded and written one at a
 * time, so memory is bounded by one tensor (plus whatever the provider caches); providers with
 * row access (`tensorRows`) are read in row blocks, so a large embedding table costs one block.
 * The output bytes depend only on the inputs (fixed file order, sorted JSON keys, no timestamps).
 */
import { InvalidArgumentError, throwIfAborted } from '../errors';
import { DTYPE_BYTES, type Dtype } from '../formats/safetensors';
import { SAFETENSORS_INDEX_FILE } from '../formats/safetensors-index';
import { planShards, SafetensorsStreamWriter } from '../formats/safetensors-writer';
import { rowBlocks, rowsOf } from '../formats/tensor-rows';
import { serializeRecipe, type Recipe } from '../recipe/recipe';
import type { WeightProvider } from '../../model/weights';
import { buildHfConfig, stableJson } from './hf-config';
import { exportedModelConfig, hfTensorPlan, numel, planElements, type PlannedHfTensor } from './hf-tensors';
import { modelCard, type ModelCardInput } from './model-card';
import { PERMUTATIONS_FILE, permutationsChecksum, serializePermutations, type Permutations } from './permutations';
import { checkFileName, writeFile, type ExportSink } from './sink';

export const RECIPE_FILE = 'recipe.json';
export const DEFAULT_MAX_SHARD_BYTES = 2 * 1000 ** 3;

export interface ExportProgress {
  file: string;
  tensor: string | null;
  bytesWritten: number;
  totalBytes: number;
}

export interface HfExportOptions {
  weights: WeightProvider;
  /** The anchor's config.json object (every field is copied). */
  anchorConfig: Record<string, unknown>;
  dtype?: 'F32' | 'BF16';
  /** Largest shard in bytes of tensor data (default 2 GB). */
  maxShardBytes?: number;
  /** Files copied verbatim (tokenizer.json, tokenizer_config.json, generation_config.json, ...). */
  files?: readonly { name: string; bytes: Uint8Array }[];
  recipe?: Recipe | null;
  permutations?: Permutations | null;
  /** Model card inputs; base models default to the recipe's sources. */
  card?: Partial<ModelCardInput>;
  routerAuxLossCoef?: number;
  /** Values per row block when the weights offer row access (default EXPORT_BLOCK_ELEMENTS). */
  blockElements?: number;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
}

export interface HfExportSummary {
  files: { name: string; bytes: number }[];
  /** Sum of tensor data bytes (the index's metadata.total_size). */
  tensorBytes: number;
  shards: number;
  permutationsChecksum: string | null;
}

const GENERATED = new Set(['config.json', SAFETENSORS_INDEX_FILE, RECIPE_FILE, PERMUTATIONS_FILE, 'README.md']);

export async function exportHf(sink: ExportSink, opts: HfExportOptions): Promise<HfExportSummary> {
  const dtype: Dtype = opts.dtype ?? 'F32';
  if (dtype !== 'F32' && dtype !== 'BF16') throw new InvalidArgumentError(`export dtype ${String(dtype)} is not offered; choose F32 or BF16.`);
  const { config, zeroShared } = exportedModelConfig(opts.weights.config);
  const plan = hfTensorPlan(config, zeroShared);
  const shards = planShards(plan, dtype, opts.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES);
  const tensorBytes = planElements(plan) * DTYPE_BYTES[dtype];
  const totalBytes = tensorBytes;
  const written: HfExportSummary['files'] = [];
  let bytesWritten = 0;
  const small = async (name: string, text: string | Uint8Array): Promise<void> => {
    throwIfAborted(opts.signal);
    const b = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    await writeFile(sink, name, b);
    written.push({ name, bytes: b.length });
    opts.onProgress?.({ file: name, tensor: null, bytesWritten, totalBytes });
  };

  const extra = [...(opts.files ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of extra) {
    checkFileName(f.name);
    if (GENERATED.has(f.name) || f.name.endsWith('.safetensors')) {
      throw new InvalidArgumentError(`${f.name} is written by the exporter itself; do not pass it among the copied files.`);
    }
  }
  const recipe = opts.recipe ?? null;
  const permText = opts.permutations ? serializePermutations(opts.permutations, recipe?.sources.map((s) => s.id)) : null;
  const permSum = permText ? await permutationsChecksum(permText) : null;
  let recipeText: string | null = null;
  if (recipe) {
    // The written recipe says what was exported (target and dtype) and which permutations.
    const r: Recipe = { ...recipe, export: { target: 'hf', dtype: dtype === 'BF16' ? 'bf16' : 'f32' } };
    if (permSum && !recipe.alignment.permutationsChecksum) r.alignment = { ...recipe.alignment, permutationsChecksum: permSum };
    recipeText = serializeRecipe(r);
  }

  const routerAuxLossCoef = opts.routerAuxLossCoef ?? recipe?.training.balanceCoef;
  await small('config.json', stableJson(buildHfConfig(opts.anchorConfig, config, { dtype, routerAuxLossCoef })));
  for (const f of extra) await small(f.name, f.bytes);

  for (const shard of shards.files) {
    const fileSink = await sink.file(shard.file);
    const w = await SafetensorsStreamWriter.begin(fileSink, shard.tensors, { dtype, metadata: { format: 'pt' } });
    for (const t of shard.tensors as PlannedHfTensor[]) {
      throwIfAborted(opts.signal);
      await writeTensor(w, opts.weights, t, opts.blockElements ?? EXPORT_BLOCK_ELEMENTS, opts.signal);
      bytesWritten += numel(t.shape) * DTYPE_BYTES[dtype];
      opts.onProgress?.({ file: shard.file, tensor: t.name, bytesWritten, totalBytes });
    }
    await w.finish();
    written.push({ name: shard.file, bytes: w.totalBytes });
  }
  if (shards.index) {
    const weight_map = Object.fromEntries(Object.entries(shards.index.weight_map));
    await small(SAFETENSORS_INDEX_FILE, stableJson({ metadata: { total_size: shards.index.metadata.total_size }, weight_map }));
  }
  if (recipeText) await small(RECIPE_FILE, recipeText);
  if (permText) await small(PERMUTATIONS_FILE, permText);
  const card: ModelCardInput = {
    baseModels: recipe?.sources.map((s) => s.id) ?? [],
    revisions: recipe?.sources.map((s) => s.revision),
    experts: recipe?.moe.experts,
    ...opts.card,
    recipeText: recipeText ?? undefined,
  };
  await small('README.md', modelCard(config, card));
  await sink.finish();
  return { files: written, tensorBytes, shards: shards.files.length, permutationsChecksum: permSum };
}

/** Values per written block: a large tensor (an embedding table) is fetched and encoded in row blocks of this size. */
export const EXPORT_BLOCK_ELEMENTS = 1 << 22;

async function writeTensor(w: SafetensorsStreamWriter, wp: WeightProvider, t: PlannedHfTensor, blockElements: number, signal?: AbortSignal): Promise<void> {
  if (t.zero) return w.write(t.name, new Float32Array(numel(t.shape)), signal);
  const rows = await rowsOf(wp, t.name);
  if (rows.shape.length !== t.shape.length || rows.shape.some((d, i) => d !== t.shape[i])) {
    throw new InvalidArgumentError(
      `tensor ${t.name} has shape [${rows.shape.join(', ')}] but the config implies [${t.shape.join(', ')}]; the weights do not match their config.`,
    );
  }
  await w.writeParts(t.name, rowBlocks(rows, blockElements, signal), signal);
}
