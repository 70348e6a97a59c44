// Hub source end to end against the local Hub server (127.0.0.1, random port, never the network):
// loading, every bad input, retry/resume asserted from the server's request log, the cache,
// concurrency, progress and the token's confinement.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, FIXTURE_TOKEN } from '../../scripts/hub-server/fixtures';
import { startHubServer, type HubServer, type LogEntry } from '../../scripts/hub-server/server';
import { startFixtureHub } from '../../scripts/hub-server/fixture-hub';
import { checkMergeability } from '../core/arch/mergeability';
import { AbortedError } from '../core/errors';
import { SafetensorsFormatError, parseSafetensors, readTensor } from '../core/formats/safetensors';
import { ShardMissingError } from '../core/formats/safetensors-index';
import { fixtureModelFiles } from '../core/testing/fixture-models';
import { TokenizerParseError } from '../core/tokenizer/tokenizer';
import { unionVocabularies } from '../core/tokenizer/vocab-union';
import { MemoryChunkCache } from './cache';
import { tensorShapes } from './checkpoint';
import { AccessDeniedError, AuthRequiredError, InvalidTokenError, NetworkError, RepoNotFoundError, RevisionNotFoundError, UnsupportedWeightsError } from './errors';
import { Limiter } from './http';
import { openHubCheckpoint, parseModelRef, type HubOptions } from './hub';
import type { LoadEvent } from './progress';

let root: string;
let hub: HubServer;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ hub, root, stop } = await startFixtureHub('hub-src-'));
});
afterAll(() => stop());
beforeEach(() => {
  hub.clearLog();
  hub.faults.clear();
});

const fast = { retries: 3, baseDelayMs: 5, maxDelayMs: 20 };
const open = (ref: string, o: HubOptions = {}) => openHubCheckpoint(ref, { hubUrl: hub.url, retry: fast, ...o });
const fileBytes = (log: LogEntry[]) => log.filter((e) => e.path.includes('/resolve/')).reduce((a, e) => a + e.bytesSent, 0);
const expectError = async (p: Promise<unknown>, cls: abstract new (...a: never[]) => Error, re: RegExp) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(cls);
  expect((err as Error).message).toMatch(re);
  return err as Error;
};

describe('model references', () => {
  it('parses IDs and Hub URLs', () => {
    expect(parseModelRef('Qwen/Qwen2.5-0.5B')).toEqual({ repo: 'Qwen/Qwen2.5-0.5B' });
    expect(parseModelRef(' gpt2 ')).toEqual({ repo: 'gpt2' });
    expect(parseModelRef('org/name@v1.0')).toEqual({ repo: 'org/name', revision: 'v1.0' });
    expect(parseModelRef('https://huggingface.co/org/name/tree/dev')).toEqual({ repo: 'org/name', revision: 'dev' });
    expect(parseModelRef('https://huggingface.co/org/name')).toEqual({ repo: 'org/name' });
    expect(parseModelRef('huggingface.co/org/name/blob/abc123/config.json')).toEqual({ repo: 'org/name', revision: 'abc123' });
    expect(parseModelRef('https://hf.co/org/name/resolve/main/model.safetensors')).toEqual({ repo: 'org/name', revision: 'main' });
    expect(parseModelRef('https://huggingface.co/org/name/tree/refs%2Fpr%2F3')).toEqual({ repo: 'org/name', revision: 'refs/pr/3' });
    expect(parseModelRef('https://huggingface.co/org/name/tree/refs/pr/3')).toEqual({ repo: 'org/name', revision: 'refs/pr/3' });
    expect(parseModelRef('http://127.0.0.1:8080/org/name/tree/main')).toEqual({ repo: 'org/name', revision: 'main' });
    for (const bad of ['', 'a/b/c', '../x', 'https://huggingface.co/datasets/org/data', 'org/na me', 'https://huggingface.co/']) expect(() => parseModelRef(bad)).toThrow(/Type a model ID/);
  });
});

describe('loading from the Hub', () => {
  it('opens a Qwen2-shaped repo: config, commit SHA, tensors by range, tokenizer', async () => {
    const events: LoadEvent[] = [];
    const c = await open('fixtures/qwen-base', { onProgress: (e) => events.push(e) });
    expect(c.source).toMatchObject({ kind: 'hub', id: 'fixtures/qwen-base', requestedRevision: 'main', hubUrl: hub.url });
    expect(c.source.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(c.config).toMatchObject({ family: 'qwen2', hiddenSize: 16, tieWordEmbeddings: true });
    const local = fixtureModelFiles(FIXTURE_MODELS['fixtures/qwen-base']).get('model.safetensors')!;
    const header = parseSafetensors(local);
    expect(c.tensors.size).toBe(header.tensors.size);
    const name = 'model.layers.1.mlp.down_proj.weight';
    expect(await c.readTensor(name)).toEqual(readTensor(local, header, name));
    const t = c.tensors.get(name)!;
    expect(hub.log().at(-1)!.range).toBe(`bytes=${t.begin}-${t.end - 1}`);
    expect(c.tokenizer().decode(c.tokenizer().encode(' the cat'))).toBe(' the cat');
    expect(c.sizes.tensorBytes).toBe(local.length - header.dataStart);
    expect(events.map((e) => (e.type === 'stage' ? e.stage : e.type))).toEqual(expect.arrayContaining(['resolving', 'listing', 'config', 'tokenizer', 'headers', 'ready', 'download']));
    const dl = events.filter((e) => e.type === 'download').at(-1)!;
    expect(dl).toMatchObject({ loaded: t.end - t.begin, total: t.end - t.begin, fromCache: false });
  });
  it('a URL with a revision, sharded checkpoints and F16 Llama', async () => {
    const sha = (await open('fixtures/qwen-sharded')).source.revision;
    const c = await open(`https://huggingface.co/fixtures/qwen-sharded/tree/${sha}`);
    expect(c.source.revision).toBe(sha);
    expect(c.source.requestedRevision).toBeUndefined();
    expect(c.sharded).toBe(true);
    const files = fixtureModelFiles(FIXTURE_MODELS['fixtures/qwen-sharded']);
    for (const [name, t] of c.tensors) {
      const bytes = files.get(t.file)!;
      expect(await c.readTensor(name)).toEqual(readTensor(bytes, parseSafetensors(bytes), name));
    }
    expect(new Set([...c.tensors.values()].map((t) => t.file)).size).toBeGreaterThan(1);
    const l = await open('fixtures/llama-tiny');
    expect(l.config.family).toBe('llama');
    expect(l.tensors.get('lm_head.weight')!.dtype).toBe('F16');
  });
  it('three fixture models: the mergeability diff and the vocabulary union', async () => {
    const cs = await Promise.all(['fixtures/qwen-base', 'fixtures/qwen-code', 'fixtures/qwen-math'].map((id) => open(id)));
    const r = checkMergeability(cs.map((c) => ({ label: c.source.id, config: c.config, tensors: tensorShapes(c) })));
    expect(r.mergeable).toBe(true);
    expect(r.rows.find((x) => x.field === 'rope_theta')).toMatchObject({ severity: 'warning', values: ['1000000', '1000000', '10000'] });
    expect(r.rows.find((x) => x.field === 'vocab_size')!.severity).toBe('info');
    const u = unionVocabularies(cs.map((c) => c.tokenizer().vocab));
    expect(u.added).toEqual([0, 13, 4]);
    const l = await open('fixtures/llama-tiny');
    expect(checkMergeability([cs[0], l].map((c) => ({ label: c.source.id, config: c.config, tensors: tensorShapes(c) }))).mergeable).toBe(false);
  });
});

describe('bad input', () => {
  it('unknown repo and unknown revision', async () => {
    await expectError(open('nobody/nothing'), RepoNotFoundError, /nobody\/nothing does not exist.*Check the model ID/);
    await expectError(open('fixtures/qwen-base', { revision: 'v9' }), RevisionNotFoundError, /Check the branch, tag or commit/);
  });
  it('gated or private repo without a token asks for one; a token without access says so', async () => {
    await expectError(open('gated/qwen-base'), AuthRequiredError, /gated.*paste a Hugging Face access token/);
    await expectError(open('private/qwen-base'), AuthRequiredError, /private, paste an access token/);
    const e = await expectError(open('gated/qwen-base', { accessToken: 'hf_someoneElsesToken123' }), AccessDeniedError, /accept its conditions/);
    expect(e.message).not.toContain('hf_someoneElsesToken123');
    await expectError(open('gated/qwen-base', { accessToken: 'not a token' }), InvalidTokenError, /Copy it again/);
    const c = await open('gated/qwen-base', { accessToken: FIXTURE_TOKEN });
    expect((await c.readTensor('model.norm.weight')).length).toBe(16);
  });
  it('a repo with only .bin or only GGUF weights says so', async () => {
    await expectError(open('bad/bin-only'), UnsupportedWeightsError, /only PyTorch .bin weights \(pytorch_model.bin\).*safetensors/);
    await expectError(open('bad/gguf-only'), UnsupportedWeightsError, /only GGUF weights.*non-GGUF repository/);
  });
  it('corrupt header, missing shard, broken tokenizer.json', async () => {
    await expectError(open('bad/corrupt-header'), SafetensorsFormatError, /model.safetensors: header is not valid JSON/);
    await expectError(open('bad/missing-shard'), ShardMissingError, /is named in model.safetensors.index.json but is not in the repository/);
    await expectError(open('bad/bad-tokenizer'), TokenizerParseError, /bad\/bad-tokenizer: tokenizer.json is not valid JSON/);
  });
  it('a hub that keeps failing: retries, then a network error that says what to do', async () => {
    hub.faults.add({ kind: 'status', path: '/api/models/', status: 503, times: 2 });
    expect((await open('fixtures/qwen-base')).config.family).toBe('qwen2');
    hub.faults.add({ kind: 'status', path: 'model.safetensors', status: 500 });
    await expectError(open('fixtures/qwen-base'), NetworkError, /failed after 4 attempts.*load again/);
    expect(hub.log().filter((e) => e.status === 500).length).toBe(4);
  });
});

describe('retry, resume and cache', () => {
  const big = 'model.embed_tokens.weight';
  it('the network failing mid-tensor: retry with backoff, resuming at the missing range', async () => {
    const events: LoadEvent[] = [];
    const c = await open('fixtures/qwen-base', { cache: new MemoryChunkCache(), onProgress: (e) => events.push(e) });
    const t = c.tensors.get(big)!;
    hub.clearLog();
    hub.faults.add({ kind: 'truncate', path: 'model.safetensors', onlyRanged: true, truncateAfter: 100, times: 1 });
    const data = await c.readTensor(big);
    const local = fixtureModelFiles(FIXTURE_MODELS['fixtures/qwen-base']).get('model.safetensors')!;
    expect(data).toEqual(readTensor(local, parseSafetensors(local), big));
    const ranges = hub.log().map((e) => [e.range, e.bytesSent]);
    expect(ranges).toEqual([
      [`bytes=${t.begin}-${t.end - 1}`, 100],
      [`bytes=${t.begin + 100}-${t.end - 1}`, t.end - t.begin - 100],
    ]);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ attempt: 1, resumeFrom: t.begin + 100, delayMs: 5 });
  });
  it('an interrupted download resumes from the cache on the next load', async () => {
    const cache = new MemoryChunkCache();
    const c = await open('fixtures/qwen-base', { cache, retry: { ...fast, retries: 0 } });
    const t = c.tensors.get(big)!;
    hub.faults.add({ kind: 'truncate', path: 'model.safetensors', onlyRanged: true, truncateAfter: 256, times: 1 });
    await expectError(c.readTensor(big), NetworkError, /256 bytes already received are kept/);
    hub.clearLog();
    const again = await open('fixtures/qwen-base', { cache });
    await again.readTensor(big);
    const fileReqs = hub.log().filter((e) => e.path.includes('/resolve/'));
    expect(fileReqs.map((e) => e.range)).toEqual([`bytes=${t.begin + 256}-${t.end - 1}`]);
  });
  it('a second load transfers zero file bytes (server log)', async () => {
    const cache = new MemoryChunkCache();
    const first = await open('fixtures/qwen-sharded', { cache });
    for (const n of first.tensors.keys()) await first.readTensor(n);
    expect(fileBytes(hub.log())).toBeGreaterThan(first.sizes.tensorBytes);
    hub.clearLog();
    const events: LoadEvent[] = [];
    const second = await open('fixtures/qwen-sharded', { cache, onProgress: (e) => events.push(e) });
    for (const n of second.tensors.keys()) await second.readTensor(n);
    expect(fileBytes(hub.log())).toBe(0);
    expect(hub.log().every((e) => e.path.startsWith('/api/'))).toBe(true);
    expect(events.filter((e) => e.type === 'download').every((e) => e.type === 'download' && e.fromCache)).toBe(true);
    expect(await cache.size()).toBeGreaterThan(second.sizes.tensorBytes);
  });
  it('a concurrency limit holds under parallel reads', async () => {
    const limiter = new Limiter(2);
    const c = await open('fixtures/qwen-base', { limiter });
    hub.faults.add({ kind: 'slow', path: 'model.safetensors', delayMs: 30 });
    const names = [...c.tensors.keys()].slice(0, 8);
    await Promise.all(names.map((n) => c.readTensor(n)));
    expect(limiter.peak).toBe(2);
  });
  it('progress reports speed and ETA on a slow download; abort stops it', async () => {
    const events: LoadEvent[] = [];
    const c = await open('fixtures/qwen-base', { onProgress: (e) => events.push(e) });
    hub.faults.add({ kind: 'slow', path: 'model.safetensors', bytesPerSecond: 20000 });
    await c.readTensor(big);
    const last = events.filter((e) => e.type === 'download').at(-1);
    expect(last && last.type === 'download' && last.bytesPerSecond).toBeGreaterThan(1000);
    const mid = events.find((e) => e.type === 'download' && e.loaded < e.total && e.etaSeconds !== null);
    expect(mid).toBeDefined();
    const ac = new AbortController();
    const p = c.readTensor(big, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('the access token', () => {
  it('goes only to the hub origin and never into logs, errors, URLs, events or the source', async () => {
    const cdn = await startHubServer({ root, cdn: true });
    const front = await startHubServer({ root, lfsRedirect: cdn.url });
    try {
      const events: LoadEvent[] = [];
      const c = await openHubCheckpoint('gated/qwen-base', { hubUrl: front.url, accessToken: FIXTURE_TOKEN, onProgress: (e) => events.push(e), retry: fast });
      await c.readTensor('model.norm.weight');
      expect(cdn.log().length).toBeGreaterThan(0);
      expect(cdn.log().every((e) => !e.auth)).toBe(true);
      expect(front.log().every((e) => e.auth)).toBe(true);
      const everything = JSON.stringify([front.log(), cdn.log(), events, c.source, c.config, c.files, [...c.tensors.values()], c.sizes]);
      expect(everything).not.toContain(FIXTURE_TOKEN);
      front.faults.add({ kind: 'status', path: 'config.json', status: 403, errorCode: 'GatedRepo' });
      const err = (await expectError(openHubCheckpoint('gated/qwen-base', { hubUrl: front.url, accessToken: FIXTURE_TOKEN, retry: fast }), AccessDeniedError, /no access/)) as AccessDeniedError;
      expect(JSON.stringify({ m: err.message, d: err.details, s: err.stack })).not.toContain(FIXTURE_TOKEN);
    } finally {
      await cdn.close();
      await front.close();
    }
  });
});
