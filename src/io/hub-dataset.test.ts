// Hub datasets against the local Hub server (127.0.0.1, random port, never the network): the real
// @huggingface/hub listing with a custom hub URL and repo type dataset, ranged reads of a parquet
// file through the download cache, and the typed errors (missing, private, no text file, bad ref).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_TOKEN } from '../../scripts/hub-server/fixtures';
import type { HubServer } from '../../scripts/hub-server/server';
import { startFixtureHub } from '../../scripts/hub-server/fixture-hub';
import { DatasetColumnError, UnsupportedDatasetFileError } from '../core/calibration/documents';
import { MemoryChunkCache } from './cache';
import { AuthRequiredError, InvalidModelRefError, RepoNotFoundError } from './errors';
import { listDatasetFiles, parseDatasetRef, readDatasetDocuments } from './hub-dataset';

let hub: HubServer;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ hub, stop } = await startFixtureHub('hub-ds-'));
});
afterAll(() => stop());
beforeEach(() => hub.clearLog());

const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
const retry = { retries: 1, baseDelayMs: 5, maxDelayMs: 10 };

describe('parseDatasetRef', () => {
  it('takes IDs and huggingface.co/datasets URLs, with revision and file', () => {
    expect(parseDatasetRef('org/name')).toEqual({ repo: 'org/name' });
    expect(parseDatasetRef('https://huggingface.co/datasets/org/name')).toEqual({ repo: 'org/name' });
    expect(parseDatasetRef('huggingface.co/datasets/org/name/tree/main')).toEqual({ repo: 'org/name', revision: 'main' });
    expect(parseDatasetRef('https://huggingface.co/datasets/org/name/blob/main/data/train.parquet')).toEqual({ repo: 'org/name', revision: 'main', path: 'data/train.parquet' });
    expect(() => parseDatasetRef('https://huggingface.co/org/model')).toThrow(InvalidModelRefError);
    expect(() => parseDatasetRef('a/b/c')).toThrow(/Type a dataset ID like org\/name/);
  });
});

describe('Hub datasets on the local server', () => {
  it('lists the text files of a dataset through /api/datasets', async () => {
    const l = await listDatasetFiles(`${hub.url}/datasets/fixtures/calib-text`.replace(hub.url, 'https://huggingface.co'), { hubUrl: hub.url, retry });
    expect(l.repo).toBe('fixtures/calib-text');
    expect(l.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(l.files.map((f) => [f.path, f.format])).toEqual([['data/notes.jsonl', 'jsonl'], ['data/story.txt', 'txt'], ['data/train.parquet', 'parquet']]);
    expect(hub.log().map((e) => e.path)).toEqual([`/api/datasets/fixtures/calib-text/revision/main`, `/api/datasets/fixtures/calib-text/tree/${l.revision}`]);
  });

  it('reads a parquet file by ranges from /datasets/.../resolve, stops at the budget, and a second read comes from the cache', async () => {
    const l = await listDatasetFiles('fixtures/calib-text', { hubUrl: hub.url, retry });
    const f = l.files.find((x) => x.format === 'parquet')!;
    const cache = new MemoryChunkCache();
    const req = { repo: l.repo, revision: l.revision, path: f.path, size: f.size };
    hub.clearLog();
    const r = await readDatasetDocuments(req, { hubUrl: hub.url, retry, cache, tokenBudget: 100, countTokens: words });
    expect(r.documents).toHaveLength(6);
    expect(r.complete).toBe(false);
    const gets = hub.log().filter((e) => e.method === 'GET');
    expect(gets.every((e) => e.path === `/datasets/fixtures/calib-text/resolve/${l.revision}/data/train.parquet` && e.range !== null && e.status === 206)).toBe(true);
    expect(gets.reduce((a, e) => a + e.bytesSent, 0)).toBeLessThanOrEqual(f.size);
    hub.clearLog();
    const again = await readDatasetDocuments(req, { hubUrl: hub.url, retry, cache, tokenBudget: 100, countTokens: words });
    expect(again.documents).toEqual(r.documents);
    expect(hub.log()).toHaveLength(0);
  });

  it('reads the jsonl file with its column, and names the string columns when "text" is not one', async () => {
    const l = await listDatasetFiles('fixtures/calib-text', { hubUrl: hub.url, retry });
    const f = l.files.find((x) => x.format === 'jsonl')!;
    const req = { repo: l.repo, revision: l.revision, path: f.path, size: f.size };
    const r = await readDatasetDocuments(req, { hubUrl: hub.url, retry, column: 'content', tokenBudget: 1000, countTokens: words });
    expect(r).toMatchObject({ documents: ['the first note is about the river', 'the second note is about the bridge', 'the last note is about the town'], skipped: 2, complete: true });
    await expect(readDatasetDocuments(req, { hubUrl: hub.url, retry, tokenBudget: 1000, countTokens: words }))
      .rejects.toThrow('data/notes.jsonl has no string column "text". Its string columns: "content", "lang"; pick one of them.');
    await expect(readDatasetDocuments(req, { hubUrl: hub.url, retry, tokenBudget: 1000, countTokens: words })).rejects.toThrow(DatasetColumnError);
  });

  it('a dataset that does not exist, a private one without token, one without text files: typed errors', async () => {
    await expect(listDatasetFiles('fixtures/nope', { hubUrl: hub.url, retry })).rejects.toThrow(RepoNotFoundError);
    await expect(listDatasetFiles('fixtures/nope', { hubUrl: hub.url, retry })).rejects.toThrow(/Check the dataset ID/);
    await expect(listDatasetFiles('private-data/calib-text', { hubUrl: hub.url, retry })).rejects.toThrow(AuthRequiredError);
    const ok = await listDatasetFiles('private-data/calib-text', { hubUrl: hub.url, retry, accessToken: FIXTURE_TOKEN });
    expect(ok.files).toHaveLength(3);
    expect(hub.log().filter((e) => e.path.includes('private-data')).some((e) => e.auth)).toBe(true);
    await expect(listDatasetFiles('fixtures/no-text', { hubUrl: hub.url, retry })).rejects.toThrow(UnsupportedDatasetFileError);
    await expect(listDatasetFiles('https://huggingface.co/datasets/fixtures/calib-text/blob/main/README.md', { hubUrl: hub.url, retry })).rejects.toThrow(/README\.md is not a text file/);
    // A model repo is not a dataset.
    await expect(listDatasetFiles('fixtures/qwen-base', { hubUrl: hub.url, retry })).rejects.toThrow(RepoNotFoundError);
  });
});
