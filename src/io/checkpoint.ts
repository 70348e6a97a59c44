/**
 * One Checkpoint interface for every source (Hub, local files, Node folder, built-in demo): the
 * parsed config, the tokenizer files, the tensor index (name -> file, dtype, shape, byte range),
 * lazy `readTensor` by range decoded to f32, sizes and the revision. Sources only provide a
 * RepoFiles listing with a RangeReader per file; `openCheckpoint` does the rest and either returns
 * a fully validated checkpoint or throws a typed error (nothing half-loaded is returned).
 */
import { parseHfConfig, type ArchConfig } from '../core/arch/config';
import { throwIfAborted } from '../core/errors';
import type { RangeReader } from '../core/formats/range-reader';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE, TensorSet, type TensorEntry } from '../core/formats/safetensors-index';
import { loadTokenizer, type StudioTokenizer } from '../core/tokenizer/tokenizer';
import { MissingFileError, UnsupportedWeightsError } from './errors';
import type { ProgressCallback } from './progress';

export type SourceKind = 'hub' | 'local' | 'folder' | 'demo';

/** Where a checkpoint came from: safe to show, log and write into recipes (never a token). */
export interface CheckpointSource {
  kind: SourceKind;
  /** Repo id ("org/name"), folder or file name. */
  id: string;
  /** Commit SHA (Hub), or a content hash for local and demo sources. */
  revision: string;
  /** The revision asked for (branch, tag or SHA) when it differs from `revision`. */
  requestedRevision?: string;
  hubUrl?: string;
}

export interface RepoFile {
  path: string;
  size: number;
}

export interface RepoFiles {
  source: CheckpointSource;
  files: RepoFile[];
  open(path: string): RangeReader;
}

export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json'] as const;

export interface Checkpoint {
  readonly source: CheckpointSource;
  readonly config: ArchConfig;
  readonly files: readonly RepoFile[];
  /** Text of the tokenizer-related files present (tokenizer.json always). */
  readonly tokenizerFiles: Readonly<Partial<Record<(typeof TOKENIZER_FILES)[number], string>>>;
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  readonly sharded: boolean;
  readonly sizes: { tensorBytes: number; fileBytes: number; parameters: number };
  readTensor(name: string, opts?: { signal?: AbortSignal }): Promise<Float32Array>;
  readRaw(name: string, opts?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /** Rows [start, start + count) of a tensor along its first dimension, read by range, decoded to f32. */
  readRows(name: string, start: number, count: number, opts?: { signal?: AbortSignal }): Promise<Float32Array>;
  /** The tokenizer (built at load time, so a broken tokenizer.json fails the load). */
  tokenizer(): StudioTokenizer;
}

export interface OpenOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

async function readText(repo: RepoFiles, path: string, signal?: AbortSignal): Promise<string> {
  const r = repo.open(path);
  return new TextDecoder().decode(await r.read(0, r.size, signal));
}

/** Explain a repository without safetensors weights. */
function noSafetensors(repo: RepoFiles): never {
  const paths = repo.files.map((f) => f.path);
  const id = repo.source.id;
  const bin = paths.filter((p) => /\.(bin|pt|pth|ckpt)$/.test(p));
  const gguf = paths.filter((p) => p.endsWith('.gguf'));
  if (gguf.length > 0) {
    throw new UnsupportedWeightsError(
      `${id} has only GGUF weights (${gguf[0]}${gguf.length > 1 ? ', ...' : ''}), a quantised llama.cpp format the studio cannot merge. Use the original, non-GGUF repository of the model.`,
      { repo: id, found: 'gguf' },
    );
  }
  if (bin.length > 0) {
    throw new UnsupportedWeightsError(
      `${id} has only PyTorch .bin weights (${bin[0]}${bin.length > 1 ? ', ...' : ''}); the studio reads safetensors. Pick a revision with model.safetensors (the Hub's safetensors conversion opens a pull request refs/pr/N) or convert the weights and load them as local files.`,
      { repo: id, found: 'bin' },
    );
  }
  throw new MissingFileError(`${id} has no model.safetensors or model.safetensors.index.json. Pick the repository that holds the model weights.`, { repo: id });
}

export async function openCheckpoint(repo: RepoFiles, opts: OpenOptions = {}): Promise<Checkpoint> {
  const { signal, onProgress } = opts;
  const id = repo.source.id;
  const has = new Set(repo.files.map((f) => f.path));
  const stage = (s: 'config' | 'tokenizer' | 'headers' | 'ready', message: string) => onProgress?.({ type: 'stage', source: id, stage: s, message });

  if (!has.has('config.json')) {
    throw new MissingFileError(`${id} has no config.json, so its architecture is unknown. Pick a transformers model repository (or include config.json with local files).`, { repo: id });
  }
  const hasIndex = has.has(SAFETENSORS_INDEX_FILE);
  if (!hasIndex && !has.has(SAFETENSORS_FILE)) noSafetensors(repo);
  if (!has.has('tokenizer.json')) {
    throw new MissingFileError(`${id} has no tokenizer.json (the fast tokenizer file). Pick a repository that ships it, or add it to the local files.`, { repo: id });
  }

  stage('config', 'Reading config.json');
  const config = parseHfConfig(await readText(repo, 'config.json', signal), id);

  stage('tokenizer', 'Reading the tokenizer');
  const tokenizerFiles: Partial<Record<(typeof TOKENIZER_FILES)[number], string>> = {};
  for (const f of TOKENIZER_FILES) if (has.has(f)) tokenizerFiles[f] = await readText(repo, f, signal);
  const tokenizer = loadTokenizer(tokenizerFiles['tokenizer.json']!, tokenizerFiles['tokenizer_config.json'], id);

  stage('headers', 'Reading safetensors headers');
  throwIfAborted(signal);
  const set = hasIndex
    ? await TensorSet.sharded(await readText(repo, SAFETENSORS_INDEX_FILE, signal), (file) => Promise.resolve(has.has(file) ? repo.open(file) : null), signal)
    : await TensorSet.single(repo.open(SAFETENSORS_FILE), SAFETENSORS_FILE, signal);

  let parameters = 0;
  for (const t of set.tensors.values()) parameters += t.shape.reduce((a, b) => a * b, 1);
  const ckpt: Checkpoint = {
    source: repo.source,
    config,
    files: repo.files,
    tokenizerFiles,
    tensors: set.tensors,
    sharded: set.sharded,
    sizes: { tensorBytes: set.totalBytes, fileBytes: repo.files.reduce((a, f) => a + f.size, 0), parameters },
    readTensor: (name, o) => set.readTensor(name, o?.signal),
    readRaw: (name, o) => set.readRaw(name, o?.signal),
    readRows: (name, start, count, o) => set.readRows(name, start, count, o?.signal),
    tokenizer: () => tokenizer,
  };
  stage('ready', `${id}: ${set.tensors.size} tensors, ${parameters} parameters`);
  return ckpt;
}

/** Tensor shapes of a checkpoint, in the form the mergeability check takes. */
export function tensorShapes(c: Checkpoint): Map<string, { shape: number[] }> {
  return new Map([...c.tensors].map(([n, t]) => [n, { shape: t.shape }]));
}

/** A short content hash (hex) for sources without commits: paths, sizes and config text. */
export async function contentRevision(files: readonly RepoFile[], extra: string): Promise<string> {
  const text = files.map((f) => `${f.path}\0${f.size}`).sort().join('\n') + '\n' + extra;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 40);
}
