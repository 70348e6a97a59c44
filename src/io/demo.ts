/**
 * The built-in demo models: Hub-style repositories served as static files from the app's
 * `public/demo/models/` folder, described by `manifest.json` there:
 *   {"version": 1, "models": [{"id": "demo/qwen-base", "dir": "qwen-base", "revision": "<sha>",
 *     "description": "...", "files": [{"path": "config.json", "size": 812}, ...]}]}
 * Files are read by range (static servers such as Vite's honour Range; a 200 is sliced) with the
 * same retry, progress and cache as the Hub; the manifest's revision keys the cache.
 * `makeDemoManifestEntry` builds an entry from files (for the script that produces the demo).
 */
import type { ChunkCache } from './cache';
import { openCheckpoint, type Checkpoint, type OpenOptions } from './checkpoint';
import { hubError, MissingFileError, NetworkError } from './errors';
import { DEFAULT_RETRY, HttpRangeReader, Limiter, type FetchFn, type RetryOptions } from './http';
import { TransferMeter } from './progress';

export interface DemoModelEntry {
  id: string;
  /** Folder under the models base URL (default: the last segment of id). */
  dir?: string;
  revision: string;
  description?: string;
  files: { path: string; size: number }[];
}

export interface DemoManifest {
  version: 1;
  models: DemoModelEntry[];
}

export interface DemoOptions extends OpenOptions {
  /** URL of the folder holding manifest.json (default: demo/models/ under the page's base URL). */
  baseUrl?: string;
  fetch?: FetchFn;
  cache?: ChunkCache;
  concurrency?: number;
  limiter?: Limiter;
  retry?: Partial<RetryOptions>;
}

const base = (o: DemoOptions) => (o.baseUrl ?? 'demo/models').replace(/\/+$/, '');

export async function loadDemoManifest(opts: DemoOptions = {}): Promise<DemoManifest> {
  const url = `${base(opts)}/manifest.json`;
  let resp: Response;
  try {
    resp = await (opts.fetch ?? fetch)(url, { signal: opts.signal });
  } catch (e) {
    throw new NetworkError(`The demo manifest could not be fetched (${(e as Error).message}). Reload the page.`);
  }
  if (!resp.ok) throw new MissingFileError(`The demo manifest is missing (HTTP ${resp.status} for ${url}). The app was built without demo models; use the Hub or local files.`);
  const m = (await resp.json()) as DemoManifest;
  if (m.version !== 1 || !Array.isArray(m.models)) throw new MissingFileError(`The demo manifest at ${url} has an unknown format. Rebuild the demo models.`);
  return m;
}

export async function listDemoModels(opts: DemoOptions = {}): Promise<DemoModelEntry[]> {
  return (await loadDemoManifest(opts)).models;
}

export async function openDemoCheckpoint(id: string, opts: DemoOptions = {}): Promise<Checkpoint> {
  const manifest = await loadDemoManifest(opts);
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) throw new MissingFileError(`There is no demo model ${id}. Pick one of: ${manifest.models.map((m) => m.id).join(', ')}.`, { repo: id });
  const dir = `${base(opts)}/${entry.dir ?? id.split('/').pop()}`;
  const ctx = {
    fetch: opts.fetch ?? fetch.bind(globalThis),
    source: id,
    cache: opts.cache,
    limiter: opts.limiter ?? new Limiter(opts.concurrency ?? 4),
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    meter: new TransferMeter(),
    onProgress: opts.onProgress,
    mapStatus: (e: { status: number; hubErrorCode: string | null }, file: string) => hubError(e.status, e.status === 404 ? 'EntryNotFound' : e.hubErrorCode, id, false, file),
  };
  const sizes = new Map(entry.files.map((f) => [f.path, f.size]));
  return openCheckpoint(
    {
      source: { kind: 'demo', id, revision: entry.revision },
      files: entry.files,
      open: (p) => new HttpRangeReader(`${dir}/${p}`, sizes.get(p)!, p, ctx, { repo: `demo:${id}`, commit: entry.revision }),
    },
    opts,
  );
}

/** A manifest entry for files (revision = SHA-1 of paths and contents, like the local hub's). */
export async function makeDemoManifestEntry(id: string, files: ReadonlyMap<string, Uint8Array>, description?: string): Promise<DemoModelEntry> {
  const paths = [...files.keys()].sort();
  const parts: string[] = [];
  for (const p of paths) {
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', files.get(p)!.slice()));
    parts.push(`${p}\0${[...d].map((b) => b.toString(16).padStart(2, '0')).join('')}`);
  }
  const sha = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(parts.join('\n'))));
  return {
    id,
    dir: id.split('/').pop(),
    revision: [...sha].map((b) => b.toString(16).padStart(2, '0')).join(''),
    ...(description ? { description } : {}),
    files: paths.map((p) => ({ path: p, size: files.get(p)!.length })),
  };
}
