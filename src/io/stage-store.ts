/**
 * Storage for finished pipeline stages (calibration windows, alignment, merge routers, trainer
 * checkpoints, evaluation rows), keyed by content keys (core/recipe/hash.ts). Values are
 * structured-clone data (typed arrays kept as they are). This file has the interface, a byte
 * estimate and an in-memory implementation (Node, browsers without IndexedDB); the browser's
 * persistent one is stage-store-idb.ts. Bounding and eviction sit above, in the engine's cache.
 */
import { defineError } from '../core/errors';

/** A cached stage that no longer fits the loaded sources or this version of the studio. */
export const StaleStageError = defineError('STAGE_CACHE_STALE');

export interface StageMeta {
  key: string;
  /** The stage that wrote it ('calibration', 'alignment', 'train', ...). */
  stage: string;
  /** Estimated size of the value (typed-array bytes, string and number sizes). */
  bytes: number;
  /** Last write, ms since the epoch (eviction takes the oldest first). */
  savedAt: number;
}

export interface StageStore {
  /** Whether the entries outlive the page (IndexedDB) or only this worker (memory). */
  readonly persistent: boolean;
  get(key: string): Promise<unknown>;
  put(meta: StageMeta, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  list(): Promise<StageMeta[]>;
  clear(): Promise<void>;
}

/** Rough size in bytes of a structured-clone value (what a quota would count). */
export function estimateBytes(v: unknown, seen = new Set<object>()): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return 8;
  if (typeof v === 'string') return 2 * v.length;
  if (typeof v !== 'object') return 0;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (seen.has(v)) return 0;
  seen.add(v);
  let n = 0;
  if (v instanceof Map) for (const [k, x] of v) n += estimateBytes(k, seen) + estimateBytes(x, seen);
  else if (Array.isArray(v)) for (const x of v) n += estimateBytes(x, seen);
  else for (const [k, x] of Object.entries(v)) n += 2 * k.length + estimateBytes(x, seen);
  return n;
}

export class MemoryStageStore implements StageStore {
  readonly persistent = false;
  private readonly entries = new Map<string, { meta: StageMeta; value: unknown }>();

  get(key: string): Promise<unknown> {
    const e = this.entries.get(key);
    // A copy, as IndexedDB gives: the caller may not alias what was stored.
    return Promise.resolve(e ? structuredClone(e.value) : undefined);
  }
  put(meta: StageMeta, value: unknown): Promise<void> {
    this.entries.set(meta.key, { meta: { ...meta }, value: structuredClone(value) });
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
  list(): Promise<StageMeta[]> {
    return Promise.resolve([...this.entries.values()].map((e) => ({ ...e.meta })));
  }
  clear(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
