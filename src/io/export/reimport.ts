/**
 * Re-import: an exported folder (ours or any HF checkpoint in the same layout) loads back as a
 * source for evaluation and more training. The folder is read through `OpenFile` (a Node folder,
 * a File System Access directory, an unpacked ZIP in memory); tensors stay on disk and are read
 * lazily by byte range, one at a time, through a TensorSet. The caller parses config.json into a
 * ModelConfig (src/model/config.ts parseModelConfig): io may not import the model layer's code.
 */
import { InvalidArgumentError } from '../../core/errors';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE, TensorSet, type OpenFile } from '../../core/formats/safetensors-index';
import { RECIPE_FILE } from '../../core/export/hf-export';
import type { TensorRows } from '../../core/formats/tensor-rows';
import { parsePermutations, PERMUTATIONS_FILE } from '../../core/export/permutations';
import type { ModelConfig } from '../../model/config';
import type { HostTensor, WeightProvider } from '../../model/weights';

/** A WeightProvider over a TensorSet (single file or shards), decoding each tensor to f32 on demand. */
export class TensorSetWeights implements WeightProvider {
  constructor(
    readonly config: ModelConfig,
    readonly tensors: TensorSet,
  ) {}

  names(): string[] {
    return [...this.tensors.tensors.keys()];
  }

  async getTensor(name: string): Promise<HostTensor> {
    const e = this.tensors.entry(name);
    return { data: await this.tensors.readTensor(name), shape: [...e.shape] };
  }

  tensorRows(name: string): Promise<TensorRows> {
    const e = this.tensors.entry(name);
    return Promise.resolve({ shape: [...e.shape], read: (start, count) => this.tensors.readRows(name, start, count) });
  }
}

/** Files copied by the exporter that a re-export should copy again. */
export const COPIED_FILES = [
  'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json',
  'vocab.json', 'merges.txt', 'tokenizer.model', 'added_tokens.json', 'chat_template.jinja',
];

export interface ExportedFolder {
  rawConfig: Record<string, unknown>;
  tensors: TensorSet;
  /** recipe.json text, when present. */
  recipeText: string | null;
  permutations: (Int32Array | null)[][] | null;
  /** Tokenizer and generation files present (name -> bytes). */
  files: { name: string; bytes: Uint8Array }[];
}

async function readText(open: OpenFile, name: string): Promise<string | null> {
  const r = await open(name);
  if (!r) return null;
  return new TextDecoder().decode(await r.read(0, r.size));
}

export async function openExportedFolder(open: OpenFile, signal?: AbortSignal): Promise<ExportedFolder> {
  const cfgText = await readText(open, 'config.json');
  if (cfgText === null) throw new InvalidArgumentError('The folder has no config.json; pick the folder the export was written to.');
  const rawConfig = JSON.parse(cfgText) as Record<string, unknown>;
  const indexText = await readText(open, SAFETENSORS_INDEX_FILE);
  let tensors: TensorSet;
  if (indexText !== null) {
    tensors = await TensorSet.sharded(indexText, open, signal);
  } else {
    const single = await open(SAFETENSORS_FILE);
    if (!single) throw new InvalidArgumentError(`The folder has neither ${SAFETENSORS_FILE} nor ${SAFETENSORS_INDEX_FILE}; it holds no weights.`);
    tensors = await TensorSet.single(single, SAFETENSORS_FILE, signal);
  }
  const permText = await readText(open, PERMUTATIONS_FILE);
  const files: ExportedFolder['files'] = [];
  for (const name of COPIED_FILES) {
    const r = await open(name);
    if (r) files.push({ name, bytes: await r.read(0, r.size, signal) });
  }
  return {
    rawConfig,
    tensors,
    recipeText: await readText(open, RECIPE_FILE),
    permutations: permText === null ? null : parsePermutations(permText),
    files,
  };
}

/** Open an exported folder as a WeightProvider; `parseConfig` is the engine's parseModelConfig. */
export async function reimportExport(
  open: OpenFile, parseConfig: (raw: unknown) => ModelConfig, signal?: AbortSignal,
): Promise<{ weights: TensorSetWeights; folder: ExportedFolder }> {
  const folder = await openExportedFolder(open, signal);
  return { weights: new TensorSetWeights(parseConfig(folder.rawConfig), folder.tensors), folder };
}
