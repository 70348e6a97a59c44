/**
 * ChunkCache on the browser's Cache API (available in windows and workers, persistent across
 * reloads, counted in the origin's storage quota). Each range is one Response under a synthetic
 * URL built from the key; the byte length is stored in a header so size() needs no body reads.
 */
import { rangeKeyString, type ChunkCache, type RangeKey } from './cache';

export const BROWSER_CACHE_NAME = 'symphony-studio-checkpoints-v1';
const PREFIX = 'https://checkpoint-cache.invalid/';

export class CacheApiChunkCache implements ChunkCache {
  constructor(
    private readonly storage: CacheStorage = caches,
    readonly name = BROWSER_CACHE_NAME,
  ) {}

  private url(key: RangeKey, partial = false): string {
    return PREFIX + encodeURIComponent(rangeKeyString(key)) + (partial ? '?partial' : '');
  }

  private async read(url: string): Promise<Uint8Array | null> {
    const c = await this.storage.open(this.name);
    const r = await c.match(url);
    return r ? new Uint8Array(await r.arrayBuffer()) : null;
  }

  private async write(url: string, bytes: Uint8Array): Promise<void> {
    const c = await this.storage.open(this.name);
    await c.put(url, new Response(bytes.slice(), { headers: { 'Content-Type': 'application/octet-stream', 'X-Bytes': String(bytes.length) } }));
  }

  async get(key: RangeKey): Promise<Uint8Array | null> {
    const b = await this.read(this.url(key));
    return b && b.length === key.end - key.begin ? b : null;
  }
  put(key: RangeKey, bytes: Uint8Array): Promise<void> {
    return this.write(this.url(key), bytes);
  }
  getPartial(key: RangeKey): Promise<Uint8Array | null> {
    return this.read(this.url(key, true));
  }
  putPartial(key: RangeKey, bytes: Uint8Array): Promise<void> {
    return this.write(this.url(key, true), bytes);
  }
  async deletePartial(key: RangeKey): Promise<void> {
    const c = await this.storage.open(this.name);
    await c.delete(this.url(key, true));
  }
  async size(): Promise<number> {
    const c = await this.storage.open(this.name);
    let s = 0;
    for (const req of await c.keys()) {
      const r = await c.match(req);
      s += Number(r?.headers.get('X-Bytes') ?? 0);
    }
    return s;
  }
  async clear(): Promise<void> {
    await this.storage.delete(this.name);
  }
}
