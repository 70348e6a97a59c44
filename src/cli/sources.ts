/**
 * SOURCE arguments: a checkpoint folder on disk (a path, or `local:<path>`), a built-in demo model
 * (`demo/<name>`, read from the demo folder), or a Hugging Face Hub model ID / URL
 * (`org/name[@revision]`, read by byte range from --hub-url, optionally through a disk cache).
 * Anything that looks like a path is a folder, so a typo in a path never turns into a Hub lookup.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { StudioError, registerError } from '../core/errors';
import { openSource, MissingFileError, type Checkpoint, type LoadEvent } from '../io/index';
import { NodeFsChunkCache } from '../io/cache-node';
import { openFolderCheckpoint } from '../io/node-folder';
import { CheckpointWeights } from '../merge/checkpoint-weights';

export class NotMergeableError extends StudioError {
  override readonly code = 'NOT_MERGEABLE';
}
registerError('NOT_MERGEABLE', NotMergeableError);

export interface SourceOptions {
  hubUrl?: string;
  token?: string;
  cacheDir?: string;
  /** Folder that relative paths are resolved against (the cwd, or a recipe's folder). */
  baseDir: string;
  /** Folder of the built-in demo models (holding manifest.json). */
  demoDir?: string;
  revision?: string;
  signal?: AbortSignal;
  onProgress?: (e: LoadEvent) => void;
}

const looksLikePath = (s: string): boolean => s.startsWith('.') || s.startsWith('/') || s.startsWith('~') || /^[A-Za-z]:[\\/]/.test(s) || s.includes('\\') || s.split('/').length > 2;

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The demo models' folder: --demo-dir, else public/demo/models under the working directory. */
export function demoFolder(o: SourceOptions, name: string): string | null {
  const dir = o.demoDir ?? join(o.baseDir, 'public', 'demo', 'models');
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return null;
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { models: { id: string; dir?: string }[] };
  const e = m.models.find((x) => x.id === `demo/${name}` || x.id === name);
  return e ? join(dir, e.dir ?? name) : null;
}

export async function openSourceArg(ref: string, o: SourceOptions): Promise<Checkpoint> {
  const opts = { signal: o.signal, onProgress: o.onProgress };
  const local = ref.startsWith('local:') ? ref.slice(6) : null;
  const path = resolve(o.baseDir, local ?? ref);
  if (local !== null || isDir(path) || looksLikePath(ref)) {
    if (!isDir(path)) throw new MissingFileError(`The folder ${ref} does not exist. Give the path of a model folder (config.json, tokenizer.json, *.safetensors) or a Hub model ID such as Qwen/Qwen2.5-0.5B.`);
    return openFolderCheckpoint(isAbsolute(path) ? path : resolve(path), opts);
  }
  if (ref.startsWith('demo/')) {
    const dir = demoFolder(o, ref.slice(5));
    if (!dir) throw new MissingFileError(`The demo model ${ref} was not found; run from the repository root or pass --demo-dir <folder with manifest.json>.`);
    return openFolderCheckpoint(dir, opts);
  }
  return openSource({ kind: 'hub', ref, ...(o.revision ? { revision: o.revision } : {}) }, {
    ...opts, hubUrl: o.hubUrl, accessToken: o.token, ...(o.cacheDir ? { cache: new NodeFsChunkCache(o.cacheDir) } : {}),
  });
}

/** A checkpoint's weight provider with a decoded-tensor cache of `cacheBytes`. */
export function weightsOf(c: Checkpoint, cacheBytes: number): CheckpointWeights {
  return new CheckpointWeights(c, cacheBytes);
}

/** Do all tokenizers have exactly the same vocabulary (so no vocabulary union is needed)? */
export function sameVocabulary(cs: readonly Checkpoint[]): boolean {
  const v0 = cs[0].tokenizer().vocab;
  return cs.every((c) => {
    const v = c.tokenizer().vocab;
    if (v.size !== v0.size || c.config.vocabSize !== cs[0].config.vocabSize) return false;
    for (const [t, id] of v) if (v0.get(t) !== id) return false;
    return true;
  });
}
