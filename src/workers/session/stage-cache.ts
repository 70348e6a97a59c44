/**
 * The engine's cache of finished stages, so that a fresh worker (after a reload) continues
 * without recomputing them. Each stage's outputs that later stages need are stored under a
 * content key: the hash of the stage's request and of its inputs' keys, down to the sources'
 * revisions and configs (core/recipe/hash.ts). A changed input gives another key, so a lookup
 * misses rather than returning data of another run; an entry that does not fit what it is
 * restored into raises StaleStageError and is deleted. The total size is bounded: the oldest
 * entries are evicted first, and a value larger than the bound is not stored.
 */
import { contentKey } from '../../core/recipe/hash';
import { estimateBytes, StaleStageError, type StageMeta, type StageStore } from '../../io/stage-store';

/** Part of every key: a change of what is stored makes old entries unreachable. */
export const STAGE_CACHE_FORMAT = 1;
export const DEFAULT_STAGE_CACHE_BYTES = 1 << 30;

export type CachedStage = 'calibration' | 'alignment' | 'cka' | 'merge' | 'train' | 'evaluate';

interface Envelope {
  format: number;
  stage: CachedStage;
  key: string;
  value: unknown;
}

export interface StageCacheInfo {
  persistent: boolean;
  bytes: number;
  limitBytes: number;
  entries: { stage: string; count: number; bytes: number }[];
}

export function stageKey(stage: CachedStage, config: unknown, inputs: readonly string[]): Promise<string> {
  return contentKey(stage, { format: STAGE_CACHE_FORMAT, config }, inputs);
}

export class StageCache {
  /** Writes go one after another (eviction reads the list, then writes). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: StageStore,
    readonly limitBytes = DEFAULT_STAGE_CACHE_BYTES,
    private readonly now: () => number = Date.now,
  ) {}

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.queue.then(f, f);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Store `value`; false when it is larger than the bound or the browser refused (quota). */
  put(stage: CachedStage, key: string, value: unknown): Promise<boolean> {
    return this.serial(async () => {
      const bytes = estimateBytes(value);
      if (bytes > this.limitBytes) return false;
      const others = (await this.store.list()).filter((m) => m.key !== key).sort((a, b) => a.savedAt - b.savedAt);
      let total = others.reduce((a, m) => a + m.bytes, 0);
      for (const m of others) {
        if (total + bytes <= this.limitBytes) break;
        await this.store.delete(m.key);
        total -= m.bytes;
      }
      const meta: StageMeta = { key, stage, bytes, savedAt: this.now() };
      try {
        await this.store.put(meta, { format: STAGE_CACHE_FORMAT, stage, key, value } satisfies Envelope);
        return true;
      } catch (e) {
        console.warn(`Symphony Studio: the ${stage} stage was not cached (${e instanceof Error ? e.message : String(e)}); a reload will recompute it.`);
        return false;
      }
    });
  }

  /** The value stored under `key` by `stage`, or null. */
  async get(stage: CachedStage, key: string): Promise<unknown> {
    const raw = (await this.store.get(key)) as Envelope | undefined;
    if (raw === undefined) return null;
    if (!raw || raw.format !== STAGE_CACHE_FORMAT || raw.stage !== stage || raw.key !== key) {
      await this.delete(key);
      throw new StaleStageError(`The cached ${stage} stage is damaged or from another version of the studio; it was dropped. Run the ${stage} stage again.`);
    }
    return raw.value;
  }

  /** Read `key` and check it with `fit` (which throws StaleStageError when it does not fit); a misfit is deleted. */
  async restore<T>(stage: CachedStage, key: string, fit: (value: unknown) => T | Promise<T>): Promise<T | null> {
    const v = await this.get(stage, key);
    if (v === null) return null;
    try {
      return await fit(v);
    } catch (e) {
      await this.delete(key);
      throw e instanceof StaleStageError ? e : new StaleStageError(`The cached ${stage} stage does not fit the loaded models (${e instanceof Error ? e.message : String(e)}); it was dropped. Run the ${stage} stage again.`);
    }
  }

  delete(key: string): Promise<void> {
    return this.serial(() => this.store.delete(key));
  }

  async info(): Promise<StageCacheInfo> {
    const list = await this.store.list();
    const by = new Map<string, { count: number; bytes: number }>();
    for (const m of list) {
      const e = by.get(m.stage) ?? { count: 0, bytes: 0 };
      by.set(m.stage, { count: e.count + 1, bytes: e.bytes + m.bytes });
    }
    return {
      persistent: this.store.persistent, limitBytes: this.limitBytes, bytes: list.reduce((a, m) => a + m.bytes, 0),
      entries: [...by].map(([stage, e]) => ({ stage, ...e })),
    };
  }

  clear(): Promise<void> {
    return this.serial(() => this.store.clear());
  }
}

/** Throw StaleStageError unless `cond`. */
export function fits(cond: boolean, what: string): asserts cond {
  if (!cond) throw new StaleStageError(`${what}. Run the stage again.`);
}
