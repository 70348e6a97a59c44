/**
 * Browser-safe entry point of the checkpoint sources (the Node-only folder source and fs cache
 * are imported from node-folder.ts / cache-node.ts directly). `openSource` opens any source from
 * a plain, serialisable description, which is what a worker RPC message carries.
 */
import type { Checkpoint } from './checkpoint';
import { openDemoCheckpoint, type DemoOptions } from './demo';
import { openHubCheckpoint, type HubOptions } from './hub';
import { openLocalCheckpoint, type LocalFile } from './local';

export type SourceSpec =
  | { kind: 'hub'; ref: string; revision?: string }
  | { kind: 'local'; files: (File | LocalFile)[]; label?: string }
  | { kind: 'demo'; id: string };

export type SourceOptions = Omit<HubOptions, 'revision'> & { demoBaseUrl?: DemoOptions['baseUrl'] };

export function openSource(spec: SourceSpec, opts: SourceOptions = {}): Promise<Checkpoint> {
  switch (spec.kind) {
    case 'hub':
      return openHubCheckpoint(spec.ref, { ...opts, ...(spec.revision ? { revision: spec.revision } : {}) });
    case 'local':
      return openLocalCheckpoint(spec.files, { signal: opts.signal, onProgress: opts.onProgress, label: spec.label });
    case 'demo':
      return openDemoCheckpoint(spec.id, { ...opts, baseUrl: opts.demoBaseUrl });
  }
}

export * from './cache';
export { CacheApiChunkCache, BROWSER_CACHE_NAME } from './cache-browser';
export * from './checkpoint';
export * from './demo';
export * from './errors';
export { Limiter, DEFAULT_RETRY, type RetryOptions, type FetchFn } from './http';
export * from './hub';
export * from './local';
export * from './progress';
export * from './token';
