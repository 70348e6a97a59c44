/**
 * The download cache: byte ranges keyed by (repo, commit, file, range). Commits are immutable, so
 * an entry never goes stale; a reload or a second run reads every range from here. Partial
 * entries hold the prefix of a range whose download was interrupted, so the next attempt asks the
 * server only for the rest. This file has the interface and an in-memory implementation; the
 * Node (fs) and browser (Cache API) implementations live in cache-node.ts and cache-browser.ts.
 */

export interface RangeKey {
  repo: string;
  commit: string;
  file: string;
  begin: number;
  end: number;
}

export interface ChunkCache {
  get(key: RangeKey): Promise<Uint8Array | null>;
  put(key: RangeKey, bytes: Uint8Array): Promise<void>;
  /** The fetched prefix of an interrupted range, if any. */
  getPartial(key: RangeKey): Promise<Uint8Array | null>;
  putPartial(key: RangeKey, bytes: Uint8Array): Promise<void>;
  deletePartial(key: RangeKey): Promise<void>;
  /** Bytes held (complete and partial entries). */
  size(): Promise<number>;
  clear(): Promise<void>;
}

export function rangeKeyString(k: RangeKey): string {
  return `${k.repo}@${k.commit}/${k.file}#${k.begin}-${k.end}`;
}

export class MemoryChunkCache implements ChunkCache {
  private readonly full = new Map<string, Uint8Array>();
  private readonly partial = new Map<string, Uint8Array>();

  get(key: RangeKey): Promise<Uint8Array | null> {
    const v = this.full.get(rangeKeyString(key));
    return Promise.resolve(v ? v.slice() : null);
  }
  put(key: RangeKey, bytes: Uint8Array): Promise<void> {
    this.full.set(rangeKeyString(key), bytes.slice());
    return Promise.resolve();
  }
  getPartial(key: RangeKey): Promise<Uint8Array | null> {
    const v = this.partial.get(rangeKeyString(key));
    return Promise.resolve(v ? v.slice() : null);
  }
  putPartial(key: RangeKey, bytes: Uint8Array): Promise<void> {
    this.partial.set(rangeKeyString(key), bytes.slice());
    return Promise.resolve();
  }
  deletePartial(key: RangeKey): Promise<void> {
    this.partial.delete(rangeKeyString(key));
    return Promise.resolve();
  }
  size(): Promise<number> {
    let s = 0;
    for (const v of this.full.values()) s += v.length;
    for (const v of this.partial.values()) s += v.length;
    return Promise.resolve(s);
  }
  clear(): Promise<void> {
    this.full.clear();
    this.partial.clear();
    return Promise.resolve();
  }
  /** Number of complete entries (tests). */
  get entries(): number {
    return this.full.size;
  }
}
