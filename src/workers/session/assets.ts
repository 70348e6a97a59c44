/**
 * Where the session finds the built-in demo: its manifest (models with domains and origins,
 * corpora per domain and split), its checkpoints and its text. The browser reads them over HTTP
 * from the app's `demo/` folder; Node (tests, CLI) reads the same files from disk.
 */
import type { Checkpoint } from '../../io/checkpoint';
import { openDemoCheckpoint } from '../../io/demo';
import { MissingFileError } from '../../io/errors';
import type { ProgressCallback } from '../../io/progress';
import type { DemoCatalog } from '../studio-types';

export interface DemoModelInfo {
  id: string;
  dir?: string;
  domain: string;
  origin: 'base' | 'branched' | 'independent';
  description: string;
}

export interface DemoCorpusInfo {
  domain: string;
  split: 'train' | 'validation';
  path: string;
  documents: number;
  heldOut: boolean;
}

export interface DemoAssets {
  catalog(): Promise<{ models: DemoModelInfo[]; corpora: DemoCorpusInfo[] }>;
  open(id: string, opts: { signal?: AbortSignal; onProgress?: ProgressCallback }): Promise<Checkpoint>;
  /** The documents of a corpus file (JSON lines with a "text" field). */
  documents(path: string): Promise<string[]>;
}

export function parseJsonl(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const s = line.trim();
    if (!s) continue;
    const obj = JSON.parse(s) as { text?: unknown };
    if (typeof obj.text === 'string') out.push(obj.text);
  }
  return out;
}

export function toCatalog(c: { models: DemoModelInfo[]; corpora: DemoCorpusInfo[] }): DemoCatalog {
  const domains = [...new Set(c.corpora.map((x) => x.domain))].map((name) => {
    const of = c.corpora.filter((x) => x.domain === name);
    return {
      name,
      heldOut: of.some((x) => x.heldOut),
      trainDocs: of.filter((x) => x.split === 'train').reduce((s, x) => s + x.documents, 0),
      validationDocs: of.filter((x) => x.split === 'validation').reduce((s, x) => s + x.documents, 0),
    };
  });
  return { models: c.models.map((m) => ({ id: m.id, domain: m.domain, description: m.description, origin: m.origin })), domains };
}

/**
 * Demo assets over HTTP (the app serves `public/demo/` at `<base>/demo/`). `fetchFn` lets Node
 * read the same files from disk.
 */
export function httpDemoAssets(baseUrl: string, fetchFn: typeof fetch = fetch.bind(globalThis)): DemoAssets {
  const root = baseUrl.replace(/\/+$/, '');
  let manifest: Promise<{ models: DemoModelInfo[]; corpora: DemoCorpusInfo[] }> | null = null;
  const texts = new Map<string, Promise<string[]>>();
  return {
    catalog() {
      manifest ??= (async () => {
        const r = await fetchFn(`${root}/models/manifest.json`);
        if (!r.ok) {
          manifest = null;
          throw new MissingFileError(`The demo manifest is missing (HTTP ${r.status}). The app was built without the demo models; use Hub models or local files.`);
        }
        return (await r.json()) as { models: DemoModelInfo[]; corpora: DemoCorpusInfo[] };
      })();
      return manifest;
    },
    open(id, opts) {
      return openDemoCheckpoint(id, { ...opts, baseUrl: `${root}/models`, fetch: fetchFn });
    },
    documents(path) {
      let p = texts.get(path);
      if (!p) {
        p = (async () => {
          const r = await fetchFn(`${root}/${path}`);
          if (!r.ok) throw new MissingFileError(`The demo text ${path} is missing (HTTP ${r.status}).`);
          return parseJsonl(await r.text());
        })();
        texts.set(path, p);
        p.catch(() => texts.delete(path));
      }
      return p;
    },
  };
}
