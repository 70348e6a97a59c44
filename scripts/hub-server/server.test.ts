// The local Hub server against the real @huggingface/hub client code paths (modelInfo, listFiles,
// fileDownloadInfo, downloadFile) plus Range/HEAD/CORS, access control, faults and the log.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadFile, fileDownloadInfo, listFiles, modelInfo } from '@huggingface/hub';
import { FIXTURE_TOKEN } from './fixtures';
import { startHubServer, type HubServer } from './server';
import { startFixtureHub } from './fixture-hub';

let root: string;
let hub: HubServer;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ hub, root, stop } = await startFixtureHub('hub-test-'));
});
afterAll(() => stop());
beforeEach(() => {
  hub.clearLog();
  hub.faults.clear();
});

describe('hub API through @huggingface/hub', () => {
  it('modelInfo returns the commit sha and files', async () => {
    const info = await modelInfo({ name: 'fixtures/qwen-base', hubUrl: hub.url, additionalFields: ['sha', 'filePaths'] });
    expect(info.name).toBe('fixtures/qwen-base');
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.filePaths).toContain('model.safetensors');
    const again = await modelInfo({ name: 'fixtures/qwen-base', hubUrl: hub.url, revision: info.sha, additionalFields: ['sha'] });
    expect(again.sha).toBe(info.sha);
    const other = await modelInfo({ name: 'fixtures/qwen-code', hubUrl: hub.url, additionalFields: ['sha'] });
    expect(other.sha).not.toBe(info.sha);
  });
  it('listFiles lists files with sizes and LFS info', async () => {
    const files = [];
    for await (const f of listFiles({ repo: 'fixtures/qwen-sharded', hubUrl: hub.url, recursive: true })) files.push(f);
    const shards = files.filter((f) => f.path.endsWith('.safetensors'));
    expect(shards.length).toBeGreaterThan(1);
    expect(shards[0].lfs?.oid).toMatch(/^[0-9a-f]{64}$/);
    expect(files.find((f) => f.path === 'config.json')!.size).toBeGreaterThan(10);
  });
  it('fileDownloadInfo and downloadFile (whole and sliced by range)', async () => {
    const info = await fileDownloadInfo({ repo: 'fixtures/qwen-base', path: 'model.safetensors', hubUrl: hub.url });
    expect(info!.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(info!.size).toBeGreaterThan(1000);
    expect(await fileDownloadInfo({ repo: 'fixtures/qwen-base', path: 'nope.bin', hubUrl: hub.url })).toBeNull();
    const blob = await downloadFile({ repo: 'fixtures/qwen-base', path: 'config.json', hubUrl: hub.url });
    expect(JSON.parse(await blob!.text())).toMatchObject({ model_type: 'qwen2' });
    const st = await downloadFile({ repo: 'fixtures/qwen-base', path: 'model.safetensors', hubUrl: hub.url, xet: false });
    const first8 = new Uint8Array(await st!.slice(0, 8).arrayBuffer());
    expect(first8.length).toBe(8);
    expect(hub.log().some((e) => e.range === 'bytes=0-7' && e.status === 206 && e.bytesSent === 8)).toBe(true);
  });
  it('unknown repo, revision and file give the Hub error codes', async () => {
    await expect(modelInfo({ name: 'nobody/nothing', hubUrl: hub.url })).rejects.toMatchObject({ statusCode: 404 });
    await expect(modelInfo({ name: 'fixtures/qwen-base', revision: 'v9', hubUrl: hub.url })).rejects.toMatchObject({ statusCode: 404 });
    const r = await fetch(`${hub.url}/fixtures/qwen-base/resolve/main/missing.txt`);
    expect(r.status).toBe(404);
    expect(r.headers.get('x-error-code')).toBe('EntryNotFound');
  });
});

describe('resolve', () => {
  const u = () => `${hub.url}/fixtures/qwen-base/resolve/main/config.json`;
  it('HEAD, Range, ETag, commit header, CORS', async () => {
    const head = await fetch(u(), { method: 'HEAD' });
    const size = Number(head.headers.get('content-length'));
    expect(head.status).toBe(200);
    expect(head.headers.get('x-repo-commit')).toMatch(/^[0-9a-f]{40}$/);
    expect(head.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect(head.headers.get('access-control-allow-origin')).toBe('*');
    expect(head.headers.get('access-control-expose-headers')).toMatch(/X-Repo-Commit.*Content-Range|Content-Range.*X-Repo-Commit/);
    const part = await fetch(u(), { headers: { Range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 2-5/${size}`);
    expect((await part.arrayBuffer()).byteLength).toBe(4);
    const tail = await fetch(u(), { headers: { Range: 'bytes=-3' } });
    expect((await tail.text()).length).toBe(3);
    expect((await fetch(u(), { headers: { Range: `bytes=${size + 5}-` } })).status).toBe(416);
    const pre = await fetch(u(), { method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Headers': 'authorization,range' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization.*Range/);
  });
  it('gated: 401 without a token, 403 with a wrong one, 200 with access; the log never holds the token', async () => {
    const g = `${hub.url}/gated/qwen-base/resolve/main/config.json`;
    const r1 = await fetch(g);
    expect([r1.status, r1.headers.get('x-error-code')]).toEqual([401, 'GatedRepo']);
    expect((await fetch(g, { headers: { Authorization: 'Bearer hf_wrongwrongwrong' } })).status).toBe(403);
    expect((await fetch(g, { headers: { Authorization: `Bearer ${FIXTURE_TOKEN}` } })).status).toBe(200);
    expect((await modelInfo({ name: 'gated/qwen-base', hubUrl: hub.url })).gated).toBe('manual');
    await expect(modelInfo({ name: 'private/qwen-base', hubUrl: hub.url })).rejects.toMatchObject({ statusCode: 401 });
    expect((await modelInfo({ name: 'private/qwen-base', hubUrl: hub.url, accessToken: FIXTURE_TOKEN })).private).toBe(true);
    expect(JSON.stringify(hub.log())).not.toContain(FIXTURE_TOKEN);
    expect(hub.log().filter((e) => e.auth).length).toBe(3);
  });
  it('faults: status, truncation, slow, expiry; driven over the admin endpoint too', async () => {
    hub.faults.add({ kind: 'status', path: 'config.json', status: 503, times: 1 });
    expect((await fetch(u())).status).toBe(503);
    expect((await fetch(u())).status).toBe(200);
    await fetch(`${hub.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ kind: 'truncate', path: '*/model.safetensors', truncateAfter: 100, onlyRanged: true }) });
    const url = `${hub.url}/fixtures/qwen-base/resolve/main/model.safetensors`;
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    const r = await fetch(url, { headers: { Range: 'bytes=0-999' } });
    await expect(r.arrayBuffer()).rejects.toThrow();
    await fetch(`${hub.url}/__admin/faults`, { method: 'PUT', body: JSON.stringify([{ kind: 'slow', delayMs: 150 }]) });
    const t0 = Date.now();
    await (await fetch(u())).text();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await fetch(`${hub.url}/__admin/faults`, { method: 'DELETE' });
    const log = (await (await fetch(`${hub.url}/__admin/log`)).json()) as { fault: string | null; bytesSent: number; range: string | null }[];
    expect(log.find((e) => e.fault === 'truncate')).toMatchObject({ bytesSent: 100, range: 'bytes=0-999' });
    expect(log.filter((e) => e.fault === 'slow').length).toBe(1);
  });
  it('redirects LFS files to a CDN origin when configured', async () => {
    const cdn = await startHubServer({ root, cdn: true });
    const front = await startHubServer({ root, lfsRedirect: cdn.url });
    try {
      const r = await fetch(`${front.url}/gated/qwen-base/resolve/main/model.safetensors`, { headers: { Range: 'bytes=0-7', Authorization: `Bearer ${FIXTURE_TOKEN}` } });
      expect(r.status).toBe(206);
      expect(r.url.startsWith(cdn.url)).toBe(true);
      expect(front.log()[0].status).toBe(302);
      // fetch drops Authorization on a cross-origin redirect: the token never reaches the CDN.
      expect(cdn.log()[0].auth).toBe(false);
    } finally {
      await cdn.close();
      await front.close();
    }
  });
});
