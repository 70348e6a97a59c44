// Local files (File/Blob), the Node folder source, the demo source (static files + manifest), the
// cache implementations, the token store and the transfer meter.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRepo } from '../../scripts/hub-server/fixtures';
import { startHubServer, type HubServer } from '../../scripts/hub-server/server';
import { fixtureModelFiles } from '../core/testing/fixture-models';
import { parseSafetensors, readTensor } from '../core/formats/safetensors';
import { MemoryChunkCache, type ChunkCache, type RangeKey } from './cache';
import { CacheApiChunkCache } from './cache-browser';
import { NodeFsChunkCache } from './cache-node';
import { listDemoModels, makeDemoManifestEntry, openDemoCheckpoint } from './demo';
import { MissingFileError, redactSecrets, UnsupportedWeightsError, InvalidTokenError } from './errors';
import { localFilesFrom, openLocalCheckpoint } from './local';
import { openFolderCheckpoint } from './node-folder';
import { TransferMeter } from './progress';
import { TOKEN_STORAGE_KEY, TokenStore } from './token';
import { openSource } from './index';

const files = fixtureModelFiles({ seed: 9, family: 'llama', dtype: 'F32' });
const st = files.get('model.safetensors')!;
const header = parseSafetensors(st);
const name = 'model.layers.0.self_attn.o_proj.weight';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sources-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('local files', () => {
  it('opens dropped File objects and reads tensors lazily', async () => {
    const dropped = [...files].map(([p, b]) => new File([b.slice()], p));
    const c = await openLocalCheckpoint(dropped, { label: 'my-llama' });
    expect(c.source).toMatchObject({ kind: 'local', id: 'my-llama' });
    expect(c.source.revision).toMatch(/^local-[0-9a-f]{40}$/);
    expect(await c.readTensor(name)).toEqual(readTensor(st, header, name));
    expect(c.config.family).toBe('llama');
    const viaSpec = await openSource({ kind: 'local', files: dropped, label: 'x' });
    expect(viaSpec.source.revision).toBe(c.source.revision);
  });
  it('strips the picked folder name and keeps nested paths', () => {
    const picked = [
      { path: 'llama/config.json', blob: new Blob(['{}']) },
      { path: 'llama/sub/x.txt', blob: new Blob(['x']) },
    ];
    expect(localFilesFrom(picked).map((f) => f.path)).toEqual(['config.json', 'sub/x.txt']);
  });
  it('bad local input: no files, no config, only .bin', async () => {
    await expect(openLocalCheckpoint([])).rejects.toThrow(MissingFileError);
    const noConfig = [...files].filter(([p]) => p !== 'config.json').map(([p, b]) => ({ path: p, blob: new Blob([b.slice()]) }));
    await expect(openLocalCheckpoint(noConfig)).rejects.toThrow(/has no config.json/);
    const bin = [...files].filter(([p]) => !p.endsWith('.safetensors')).map(([p, b]) => ({ path: p, blob: new Blob([b.slice()]) }));
    bin.push({ path: 'pytorch_model.bin', blob: new Blob([new Uint8Array(8)]) });
    await expect(openLocalCheckpoint(bin)).rejects.toThrow(UnsupportedWeightsError);
  });
  it('a Node folder', async () => {
    await writeRepo(tmp, 'folder/llama', files);
    const c = await openFolderCheckpoint(join(tmp, 'folder', 'llama'));
    expect(c.source).toMatchObject({ kind: 'folder', id: 'llama' });
    expect(await c.readTensor(name)).toEqual(readTensor(st, header, name));
    await expect(openFolderCheckpoint(join(tmp, 'nope'))).rejects.toThrow(/cannot be read/);
  });
});

describe('demo source', () => {
  let hub: HubServer;
  let dir: string;
  beforeAll(async () => {
    dir = join(tmp, 'public-demo');
    await writeRepo(dir, 'x/tiny-llama', files);
    const entry = await makeDemoManifestEntry('demo/tiny-llama', files, 'a tiny Llama');
    entry.dir = 'x/tiny-llama';
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: 1, models: [entry] }));
    hub = await startHubServer({ root: tmp, staticDirs: { '/demo/models': dir } });
  });
  afterAll(() => hub.close());
  it('lists and opens demo models by range, then from the cache', async () => {
    const baseUrl = `${hub.url}/demo/models`;
    const models = await listDemoModels({ baseUrl });
    expect(models.map((m) => m.id)).toEqual(['demo/tiny-llama']);
    expect(models[0].revision).toMatch(/^[0-9a-f]{40}$/);
    const cache = new MemoryChunkCache();
    const c = await openDemoCheckpoint('demo/tiny-llama', { baseUrl, cache });
    expect(c.source).toMatchObject({ kind: 'demo', revision: models[0].revision });
    expect(await c.readTensor(name)).toEqual(readTensor(st, header, name));
    expect(hub.log().some((e) => e.status === 206)).toBe(true);
    hub.clearLog();
    await (await openDemoCheckpoint('demo/tiny-llama', { baseUrl, cache })).readTensor(name);
    expect(hub.log().map((e) => e.path)).toEqual(['/demo/models/manifest.json']);
    await expect(openDemoCheckpoint('demo/none', { baseUrl })).rejects.toThrow(/Pick one of: demo\/tiny-llama/);
    await expect(listDemoModels({ baseUrl: `${hub.url}/demo/missing` })).rejects.toThrow(/built without demo models/);
  });
});

/** A minimal in-memory CacheStorage, enough for the Cache API cache. */
function fakeCacheStorage(): CacheStorage {
  const stores = new Map<string, Map<string, { body: ArrayBuffer; headers: [string, string][] }>>();
  const cacheFor = (m: Map<string, { body: ArrayBuffer; headers: [string, string][] }>) => ({
    match: (u: string) => Promise.resolve(m.has(u) ? new Response(m.get(u)!.body.slice(0), { headers: m.get(u)!.headers }) : undefined),
    put: async (u: string, r: Response) => void m.set(u, { body: await r.arrayBuffer(), headers: [...r.headers] }),
    delete: (u: string) => Promise.resolve(m.delete(u)),
    keys: () => Promise.resolve([...m.keys()]),
  });
  return {
    open: (n: string) => {
      if (!stores.has(n)) stores.set(n, new Map());
      return Promise.resolve(cacheFor(stores.get(n)!));
    },
    delete: (n: string) => Promise.resolve(stores.delete(n)),
  } as unknown as CacheStorage;
}

describe('caches', () => {
  const key: RangeKey = { repo: 'org/m', commit: 'a'.repeat(40), file: 'model.safetensors', begin: 8, end: 12 };
  const impls: [string, () => ChunkCache][] = [
    ['memory', () => new MemoryChunkCache()],
    ['node fs', () => new NodeFsChunkCache(join(tmp, 'cache'))],
    ['Cache API', () => new CacheApiChunkCache(fakeCacheStorage())],
  ];
  for (const [label, make] of impls) {
    it(`${label}: put/get by (repo, commit, file, range), partials, size and clear`, async () => {
      const c = make();
      expect(await c.get(key)).toBeNull();
      await c.put(key, new Uint8Array([1, 2, 3, 4]));
      expect([...(await c.get(key))!]).toEqual([1, 2, 3, 4]);
      expect(await c.get({ ...key, commit: 'b'.repeat(40) })).toBeNull();
      expect(await c.get({ ...key, end: 13 })).toBeNull();
      await c.putPartial({ ...key, end: 20 }, new Uint8Array([9, 9]));
      expect([...(await c.getPartial({ ...key, end: 20 }))!]).toEqual([9, 9]);
      expect(await c.size()).toBe(6);
      await c.deletePartial({ ...key, end: 20 });
      expect(await c.getPartial({ ...key, end: 20 })).toBeNull();
      await c.clear();
      expect(await c.size()).toBe(0);
      expect(await c.get(key)).toBeNull();
    });
  }
});

describe('token store and redaction', () => {
  const storage = () => {
    const m = new Map<string, string>();
    return { m, getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
  };
  it('keeps the token in memory unless remembered', () => {
    const s = storage();
    const t = new TokenStore(s);
    t.set('hf_abcdefgh12345');
    expect(t.token).toBe('hf_abcdefgh12345');
    expect(s.m.size).toBe(0);
    t.set('hf_abcdefgh12345', true);
    expect(s.m.get(TOKEN_STORAGE_KEY)).toBe('hf_abcdefgh12345');
    expect(new TokenStore(s).remembered).toBe(true);
    t.set('hf_abcdefgh12345', false);
    expect(s.m.size).toBe(0);
    t.set('hf_abcdefgh12345', true);
    t.clear();
    expect([t.token, s.m.size]).toEqual([undefined, 0]);
    expect(() => t.set('password')).toThrow(InvalidTokenError);
  });
  it('never serialises the token', () => {
    const t = new TokenStore();
    t.set('hf_secretsecret999');
    expect(JSON.stringify({ t })).toBe('{"t":{"hasToken":true,"remembered":false}}');
    expect(redactSecrets('Bearer hf_secretsecret999 at x', [])).toBe('Bearer hf_*** at x');
    expect(redactSecrets('token=abc', ['abc'])).toBe('token=***');
  });
});

describe('transfer meter', () => {
  it('smooths speed and estimates time left', () => {
    let now = 0;
    const m = new TransferMeter(() => now);
    m.addNetwork(0);
    for (let i = 0; i < 20; i++) {
      now += 100;
      m.addNetwork(1000);
    }
    expect(m.bytesPerSecond).toBeCloseTo(10000, -2);
    expect(m.eta(50000)).toBeCloseTo(5, 0);
    expect(new TransferMeter().eta(10)).toBeNull();
  });
});
