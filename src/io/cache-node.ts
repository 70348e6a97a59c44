/**
 * ChunkCache on the Node file system (CLI and tests): one file per range under `dir`, named by a
 * SHA-256 of the key; partial entries get a `.part` suffix. Writes go to a temp name then rename,
 * so a crash never leaves a truncated complete entry.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rangeKeyString, type ChunkCache, type RangeKey } from './cache';

export class NodeFsChunkCache implements ChunkCache {
  constructor(readonly dir: string) {}

  private path(key: RangeKey, partial = false): string {
    return join(this.dir, createHash('sha256').update(rangeKeyString(key)).digest('hex') + (partial ? '.part' : '.bin'));
  }

  private async readOrNull(p: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(p));
    } catch {
      return null;
    }
  }

  private async write(p: string, bytes: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, p);
  }

  async get(key: RangeKey): Promise<Uint8Array | null> {
    const b = await this.readOrNull(this.path(key));
    return b && b.length === key.end - key.begin ? b : null;
  }
  put(key: RangeKey, bytes: Uint8Array): Promise<void> {
    return this.write(this.path(key), bytes);
  }
  getPartial(key: RangeKey): Promise<Uint8Array | null> {
    return this.readOrNull(this.path(key, true));
  }
  putPartial(key: RangeKey, bytes: Uint8Array): Promise<void> {
    return this.write(this.path(key, true), bytes);
  }
  async deletePartial(key: RangeKey): Promise<void> {
    await rm(this.path(key, true), { force: true });
  }
  async size(): Promise<number> {
    let s = 0;
    for (const f of await readdir(this.dir).catch(() => [] as string[])) {
      if (f.endsWith('.bin') || f.endsWith('.part')) s += (await stat(join(this.dir, f))).size;
    }
    return s;
  }
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
