/**
 * Sharded safetensors checkpoints: `model.safetensors.index.json` ({metadata: {total_size},
 * weight_map: {tensor: shard file}}) plus the shards. A TensorSet is the one view over either a
 * single `model.safetensors` or all shards: tensor name -> {file, dtype, shape, byte range}, read
 * lazily by range. Reference: transformers' `load_sharded_checkpoint` and the Hub's index layout.
 */
import { StudioError, registerError, throwIfAborted } from '../errors';
import { decodeToF32, DTYPE_BYTES, type Dtype } from './safetensors';
import { SafetensorsFile } from './safetensors-file';
import type { RangeReader } from './range-reader';
import { checkRowRange, rowWidth } from './tensor-rows';

export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';

export class SafetensorsIndexError extends StudioError {
  override readonly code = 'SAFETENSORS_INDEX';
}
registerError('SAFETENSORS_INDEX', SafetensorsIndexError);

export class ShardMissingError extends StudioError {
  override readonly code = 'SHARD_MISSING';
}
registerError('SHARD_MISSING', ShardMissingError);

export interface SafetensorsIndex {
  weightMap: Map<string, string>;
  /** Shard file names in first-appearance order. */
  shards: string[];
  totalSize: number | null;
}

/** Shard names must stay inside the repository folder. */
function safeShardName(s: string): boolean {
  return s.length > 0 && !s.startsWith('/') && !s.includes('\\') && !s.split('/').includes('..') && s.endsWith('.safetensors');
}

export function parseSafetensorsIndex(text: string, file = SAFETENSORS_INDEX_FILE): SafetensorsIndex {
  const bad = (why: string): never => {
    throw new SafetensorsIndexError(`${file}: ${why}. The sharded checkpoint's index is broken; re-download it or pick another revision.`, { file });
  };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    bad('not valid JSON');
  }
  if (typeof obj !== 'object' || obj === null) bad('not a JSON object');
  const wm = (obj as { weight_map?: unknown }).weight_map;
  if (typeof wm !== 'object' || wm === null || Array.isArray(wm)) bad('no weight_map object');
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [name, shard] of Object.entries(wm as Record<string, unknown>)) {
    if (typeof shard !== 'string' || !safeShardName(shard)) bad(`tensor ${name} maps to an invalid shard name ${JSON.stringify(shard)}`);
    weightMap.set(name, shard as string);
    if (!shards.includes(shard as string)) shards.push(shard as string);
  }
  const md = (obj as { metadata?: { total_size?: unknown } }).metadata;
  const ts = md?.total_size;
  const totalSize = typeof ts === 'number' ? ts : typeof ts === 'string' && /^\d+$/.test(ts) ? Number(ts) : null;
  return { weightMap, shards, totalSize };
}

export interface TensorEntry {
  name: string;
  file: string;
  dtype: Dtype;
  shape: number[];
  /** Absolute byte range within `file`. */
  begin: number;
  end: number;
}

/** Opens a file of the repository; null when the repository has no such file. */
export type OpenFile = (file: string) => Promise<RangeReader | null>;

export class TensorSet {
  private constructor(
    readonly tensors: ReadonlyMap<string, TensorEntry>,
    private readonly files: ReadonlyMap<string, SafetensorsFile>,
    readonly sharded: boolean,
  ) {}

  get totalBytes(): number {
    let s = 0;
    for (const t of this.tensors.values()) s += t.end - t.begin;
    return s;
  }

  /** Metadata of the first file (e.g. {format: 'pt'}). */
  get metadata(): Record<string, string> {
    const first = this.files.values().next().value;
    return first ? first.header.metadata : {};
  }

  entry(name: string): TensorEntry {
    const t = this.tensors.get(name);
    if (!t) {
      throw new SafetensorsIndexError(`tensor ${name} is not in this checkpoint. Check the name against the checkpoint's tensor list.`, { tensor: name });
    }
    return t;
  }

  async readRaw(name: string, signal?: AbortSignal): Promise<Uint8Array> {
    const t = this.entry(name);
    return this.files.get(t.file)!.reader.read(t.begin, t.end, signal);
  }

  async readTensor(name: string, signal?: AbortSignal): Promise<Float32Array> {
    const t = this.entry(name);
    return decodeToF32(await this.readRaw(name, signal), t.dtype);
  }

  /** Rows [start, start + count) of a tensor (along its first dimension), read by range and decoded to f32. */
  async readRows(name: string, start: number, count: number, signal?: AbortSignal): Promise<Float32Array> {
    const t = this.entry(name);
    checkRowRange(name, t.shape[0] ?? 1, start, count);
    const rowBytes = rowWidth(t.shape) * DTYPE_BYTES[t.dtype];
    const b = t.begin + start * rowBytes;
    return decodeToF32(await this.files.get(t.file)!.reader.read(b, b + count * rowBytes, signal), t.dtype);
  }

  /** One `model.safetensors`. */
  static async single(reader: RangeReader, file = SAFETENSORS_FILE, signal?: AbortSignal): Promise<TensorSet> {
    const st = await SafetensorsFile.open(reader, file, signal);
    return new TensorSet(entriesOf(st), new Map([[file, st]]), false);
  }

  /**
   * A sharded checkpoint: every shard the index names must exist and hold the tensors mapped to
   * it (with the dtype/shape its own header declares). Headers are read with `concurrency` at once.
   */
  static async sharded(indexText: string, open: OpenFile, signal?: AbortSignal, indexFile = SAFETENSORS_INDEX_FILE): Promise<TensorSet> {
    const index = parseSafetensorsIndex(indexText, indexFile);
    if (index.shards.length === 0) {
      throw new SafetensorsIndexError(`${indexFile} names no tensors. Pick another revision of the model.`, { file: indexFile });
    }
    const files = new Map<string, SafetensorsFile>();
    for (const shard of index.shards) {
      throwIfAborted(signal);
      const reader = await open(shard);
      if (!reader) {
        throw new ShardMissingError(
          `${shard} is named in ${indexFile} but is not in the repository: the upload is incomplete. Pick another revision or re-upload the missing shard.`,
          { file: shard },
        );
      }
      files.set(shard, await SafetensorsFile.open(reader, shard, signal));
    }
    const tensors = new Map<string, TensorEntry>();
    for (const [name, shard] of index.weightMap) {
      const st = files.get(shard)!;
      const info = st.header.tensors.get(name);
      if (!info) {
        throw new SafetensorsIndexError(`${indexFile} maps tensor ${name} to ${shard}, but that shard does not contain it. The checkpoint is inconsistent; pick another revision.`, {
          file: shard,
          tensor: name,
        });
      }
      tensors.set(name, { name, file: shard, dtype: info.dtype, shape: info.shape, begin: st.header.dataStart + info.begin, end: st.header.dataStart + info.end });
    }
    return new TensorSet(tensors, files, true);
  }
}

function entriesOf(st: SafetensorsFile): Map<string, TensorEntry> {
  const m = new Map<string, TensorEntry>();
  for (const t of st.header.tensors.values()) {
    m.set(t.name, { name: t.name, file: st.file, dtype: t.dtype, shape: t.shape, begin: st.header.dataStart + t.begin, end: st.header.dataStart + t.end });
  }
  return m;
}

/** Bytes of a tensor of this dtype and shape. */
export function tensorBytes(dtype: Dtype, shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
}
