/**
 * The stage store on IndexedDB (windows and workers; persistent across reloads; counted in the
 * origin's quota). IndexedDB rather than the Cache API (which holds Request/Response bodies, as
 * the download cache does) or OPFS (files of bytes): stage outputs are structured data with
 * typed arrays inside, which IndexedDB stores and returns as they are, with no encoding, and a
 * write is one transaction, so a reload mid-write leaves the previous entry, never half of one.
 * Metadata and values live in two object stores so that listing never reads the values.
 */
import type { StageMeta, StageStore } from './stage-store';

export const STAGE_DB_NAME = 'symphony-studio-stages';
const DB_VERSION = 1;
const META = 'meta';
const DATA = 'data';

function promised<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
  });
}

export class IdbStageStore implements StageStore {
  readonly persistent = true;
  private db: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly factory: IDBFactory = indexedDB,
    readonly name = STAGE_DB_NAME,
  ) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const r = this.factory.open(this.name, DB_VERSION);
      r.onupgradeneeded = () => {
        const db = r.result;
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'key' });
        if (!db.objectStoreNames.contains(DATA)) db.createObjectStore(DATA);
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => {
        this.db = null;
        reject(r.error ?? new Error('IndexedDB could not be opened'));
      };
    });
    return this.db;
  }

  async get(key: string): Promise<unknown> {
    const tx = (await this.open()).transaction(DATA, 'readonly');
    return promised(tx.objectStore(DATA).get(key));
  }

  async put(meta: StageMeta, value: unknown): Promise<void> {
    const tx = (await this.open()).transaction([META, DATA], 'readwrite');
    tx.objectStore(DATA).put(value, meta.key);
    tx.objectStore(META).put(meta);
    await done(tx);
  }

  async delete(key: string): Promise<void> {
    const tx = (await this.open()).transaction([META, DATA], 'readwrite');
    tx.objectStore(DATA).delete(key);
    tx.objectStore(META).delete(key);
    await done(tx);
  }

  async list(): Promise<StageMeta[]> {
    const tx = (await this.open()).transaction(META, 'readonly');
    return (await promised(tx.objectStore(META).getAll())) as StageMeta[];
  }

  async clear(): Promise<void> {
    const tx = (await this.open()).transaction([META, DATA], 'readwrite');
    tx.objectStore(DATA).clear();
    tx.objectStore(META).clear();
    await done(tx);
  }
}
