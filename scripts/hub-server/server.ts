/**
 * A local Hugging Face Hub-compatible server for tests and local mirrors. It serves repositories
 * from a folder (see repos.ts) with the endpoints @huggingface/hub 2.x calls:
 *   GET  /api/models/{org}/{name}[/revision/{rev}]      model info (id, sha, private, gated, siblings)
 *   GET  /api/models/{org}/{name}/tree/{rev}[/{path}]   file listing (?recursive=true)
 *   GET  /api/datasets/{org}/{name}[/revision/{rev}], /api/datasets/{org}/{name}/tree/{rev}[/{path}]
 *        the same for dataset repos (kept under `<root>/datasets/`, see repos.ts)
 *   GET|HEAD [/datasets]/{org}/{name}/(resolve|raw)/{rev}/{path}   file download: Range (206), ETag,
 *        X-Repo-Commit, Content-Length, Accept-Ranges; X-Error-Code on errors as the Hub sends it
 * with CORS for browser pages on other origins, a request log and fault injection (faults.ts),
 * both driven over /__admin/ (GET/DELETE log; GET/PUT/POST/DELETE faults) or from the returned
 * handle. `lfsRedirect` makes weight files answer 302 to another server, as the Hub's CDN does;
 * `cdn: true` serves without access checks (the redirect target). The log records whether an
 * Authorization header came, never its value.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { open } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { FaultTable, type ActiveFault, type FaultRule } from './faults';
import { repoInfoJson, treeEntries } from './api-json';
import { listRepoIds, loadRepo, type Repo, type RepoKind } from './repos';

export interface HubServerOptions {
  root: string;
  port?: number;
  host?: string;
  /** Redirect LFS file downloads to this origin (another server over the same root). */
  lfsRedirect?: string;
  /** Serve without access checks (a CDN behind a redirect). */
  cdn?: boolean;
  /** Plain static folders by URL prefix (e.g. {'/demo/models': dir}), with Range support. */
  staticDirs?: Record<string, string>;
}

export interface LogEntry {
  seq: number;
  time: number;
  method: string;
  path: string;
  range: string | null;
  status: number;
  bytesSent: number;
  /** Whether an Authorization header was present (its value is never recorded). */
  auth: boolean;
  fault: string | null;
}

export interface HubServer {
  url: string;
  port: number;
  log(): LogEntry[];
  clearLog(): void;
  faults: FaultTable;
  close(): Promise<void>;
}

const EXPOSE = 'Content-Range, Content-Length, Content-Type, Accept-Ranges, ETag, X-Repo-Commit, X-Error-Code, X-Error-Message, X-Linked-Size, X-Linked-ETag, X-Request-Id, Link, Location';
const CORS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': EXPOSE,
};

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  entry: LogEntry;
  fault: ActiveFault | null;
}

function sendJson(c: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = Buffer.from(JSON.stringify(body));
  c.entry.status = status;
  c.res.writeHead(status, { ...CORS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(text.length), ...headers });
  if (c.req.method === 'HEAD') c.res.end();
  else {
    c.res.end(text);
    c.entry.bytesSent += text.length;
  }
}

function sendError(c: Ctx, status: number, code: string, message: string): void {
  sendJson(c, status, { error: message }, { 'X-Error-Code': code, 'X-Error-Message': message });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stream bytes [begin, end) of a file, applying truncate/slow faults and counting bytes. */
async function streamFile(c: Ctx, abs: string, begin: number, end: number): Promise<void> {
  const fh = await open(abs, 'r');
  try {
    const f = c.fault;
    const limit = f?.kind === 'truncate' ? Math.min(end, begin + (f.truncateAfter ?? 0)) : end;
    const chunk = f?.kind === 'slow' && f.bytesPerSecond ? Math.max(1, Math.min(65536, Math.floor(f.bytesPerSecond / 10))) : 65536;
    let pos = begin;
    while (pos < limit) {
      if (c.res.destroyed) return;
      const n = Math.min(chunk, limit - pos);
      const buf = Buffer.alloc(n);
      await fh.read(buf, 0, n, pos);
      const ok = c.res.write(buf);
      c.entry.bytesSent += n;
      pos += n;
      if (f?.kind === 'slow' && f.bytesPerSecond) await sleep((n / f.bytesPerSecond) * 1000);
      else if (!ok) await new Promise((r) => c.res.once('drain', r));
    }
    if (f?.kind === 'truncate' && limit < end) {
      // Let the bytes already written leave, then cut the connection mid-body.
      await sleep(20);
      c.res.socket?.destroy();
      return;
    }
    c.res.end();
  } finally {
    await fh.close();
  }
}

function parseRange(h: string | undefined, size: number): [number, number] | 'invalid' | null {
  if (!h) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(h.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let b: number, e: number;
  if (m[1] === '') {
    b = Math.max(0, size - Number(m[2]));
    e = size;
  } else {
    b = Number(m[1]);
    e = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  }
  if (b >= size || e <= b) return 'invalid';
  return [b, e];
}

/** Serve a file with HEAD/Range/ETag semantics. */
async function serveFile(c: Ctx, abs: string, size: number, headers: Record<string, string>): Promise<void> {
  const range = parseRange(c.req.headers.range, size);
  if (range === 'invalid') {
    c.entry.status = 416;
    c.res.writeHead(416, { ...CORS, ...headers, 'Content-Range': `bytes */${size}` });
    c.res.end();
    return;
  }
  const [b, e] = range ?? [0, size];
  const status = range ? 206 : 200;
  c.entry.status = status;
  const h: Record<string, string> = { ...CORS, ...headers, 'Accept-Ranges': 'bytes', 'Content-Length': String(e - b), 'Content-Type': 'application/octet-stream' };
  if (range) h['Content-Range'] = `bytes ${b}-${e - 1}/${size}`;
  c.res.writeHead(status, h);
  if (c.req.method === 'HEAD') {
    c.res.end();
    return;
  }
  await streamFile(c, abs, b, e);
}

function tokenOf(req: IncomingMessage): string | null {
  const a = req.headers.authorization;
  return a && a.startsWith('Bearer ') ? a.slice(7) : null;
}

/** Access check: 'ok', or sends the Hub's error and returns 'denied'. */
function checkAccess(c: Ctx, repo: Repo, opts: HubServerOptions, forFile: boolean): 'ok' | 'denied' {
  if (opts.cdn) return 'ok';
  const tok = tokenOf(c.req);
  const allowed = tok !== null && tok.startsWith('hf_') && (!repo.meta.tokens || repo.meta.tokens.includes(tok));
  if (repo.meta.private && !allowed) {
    if (tok === null) sendError(c, 401, 'RepoNotFound', `Repository not found: ${repo.id}. If the repo is private, make sure you are authenticated.`);
    else sendError(c, 404, 'RepoNotFound', `Repository not found: ${repo.id}.`);
    return 'denied';
  }
  if (forFile && repo.meta.gated && !allowed) {
    if (tok === null) sendError(c, 401, 'GatedRepo', `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
    else sendError(c, 403, 'GatedRepo', `Access to model ${repo.id} is restricted and you are not in the authorized list. Visit the model page to ask for access.`);
    return 'denied';
  }
  return 'ok';
}

function revOk(repo: Repo, rev: string): boolean {
  return rev === 'main' || rev === 'HEAD' || rev === repo.sha;
}

async function handle(c: Ctx, opts: HubServerOptions): Promise<void> {
  const url = new URL(c.req.url ?? '/', 'http://localhost');
  const segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = c.req.method ?? 'GET';
  if (c.fault?.kind === 'status') {
    sendError(c, c.fault.status ?? 500, c.fault.errorCode ?? 'InjectedFault', c.fault.message ?? `Injected fault: status ${c.fault.status ?? 500}`);
    return;
  }
  if (c.fault?.kind === 'slow' && c.fault.delayMs) await sleep(c.fault.delayMs);

  for (const [prefix, dir] of Object.entries(opts.staticDirs ?? {})) {
    if (!url.pathname.startsWith(prefix + '/')) continue;
    const rel = normalize(decodeURIComponent(url.pathname.slice(prefix.length + 1)));
    if (rel.startsWith('..') || rel.includes(`${sep}..`)) return sendError(c, 404, 'EntryNotFound', 'Not found');
    const abs = join(dir, rel);
    try {
      const fh = await open(abs, 'r');
      const st = await fh.stat();
      await fh.close();
      if (!st.isFile()) throw new Error('not a file');
      return await serveFile(c, abs, st.size, { 'Cache-Control': 'no-cache' });
    } catch {
      return sendError(c, 404, 'EntryNotFound', `Not found: ${url.pathname}`);
    }
  }

  if (segs[0] === 'api' && (segs[1] === 'models' || segs[1] === 'datasets') && segs.length >= 4) {
    const kind: RepoKind = segs[1] === 'models' ? 'model' : 'dataset';
    const repo = await loadRepo(opts.root, `${segs[2]}/${segs[3]}`, kind);
    if (!repo) return sendError(c, 404, 'RepoNotFound', `Repository not found: ${segs[2]}/${segs[3]}.`);
    if (checkAccess(c, repo, opts, false) === 'denied') return;
    const rest = segs.slice(4);
    if (rest.length === 0 || (rest[0] === 'revision' && rest.length === 2)) {
      const rev = rest[1] ?? 'main';
      if (!revOk(repo, rev)) return sendError(c, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
      return sendJson(c, 200, repoInfoJson(repo, kind));
    }
    if (rest[0] === 'tree' && rest.length >= 2) {
      if (!revOk(repo, rest[1])) return sendError(c, 404, 'RevisionNotFound', `Invalid rev id: ${rest[1]}`);
      return sendJson(c, 200, treeEntries(repo, rest.slice(2).join('/'), url.searchParams.get('recursive') === 'true'));
    }
    return sendError(c, 404, 'NotFound', `Unknown API path ${url.pathname}`);
  }

  // Dataset files live under /datasets/{org}/{name}/resolve/..., model files under /{org}/{name}/resolve/...
  const fileKind: RepoKind = segs[0] === 'datasets' ? 'dataset' : 'model';
  if (fileKind === 'dataset') segs.shift();
  if (segs.length >= 5 && (segs[2] === 'resolve' || segs[2] === 'raw') && (method === 'GET' || method === 'HEAD')) {
    const repo = await loadRepo(opts.root, `${segs[0]}/${segs[1]}`, fileKind);
    if (!repo) return sendError(c, 404, 'RepoNotFound', `Repository not found: ${segs[0]}/${segs[1]}.`);
    if (checkAccess(c, repo, opts, true) === 'denied') return;
    if (!revOk(repo, segs[3])) return sendError(c, 404, 'RevisionNotFound', `Invalid rev id: ${segs[3]}`);
    const path = segs.slice(4).join('/');
    const f = repo.files.find((x) => x.path === path);
    if (!f) return sendError(c, 404, 'EntryNotFound', `Entry not found: ${path} in ${repo.id}.`);
    const headers: Record<string, string> = { 'X-Repo-Commit': repo.sha, ETag: `"${f.lfs ? f.sha256 : f.oid}"` };
    if (f.lfs) {
      headers['X-Linked-Size'] = String(f.size);
      headers['X-Linked-ETag'] = `"${f.sha256}"`;
    }
    if (opts.lfsRedirect && f.lfs && segs[2] === 'resolve') {
      c.entry.status = 302;
      c.res.writeHead(302, { ...CORS, ...headers, Location: `${opts.lfsRedirect}/${fileKind === 'dataset' ? 'datasets/' : ''}${repo.id}/resolve/${repo.sha}/${path}`, 'Content-Length': '0' });
      c.res.end();
      return;
    }
    return serveFile(c, join(repo.dir, ...path.split('/')), f.size, headers);
  }
  return sendError(c, 404, 'NotFound', `Unknown path ${url.pathname}`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const ch of req) chunks.push(ch as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function admin(req: IncomingMessage, res: ServerResponse, log: LogEntry[], faults: FaultTable, root: string): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { ...CORS, 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (path === '/__admin/log') {
    if (req.method === 'DELETE') {
      log.length = 0;
      return json(200, { ok: true });
    }
    return json(200, log);
  }
  if (path === '/__admin/faults') {
    if (req.method === 'DELETE') faults.clear();
    else if (req.method === 'PUT') faults.set(JSON.parse(await readBody(req)) as FaultRule[]);
    else if (req.method === 'POST') faults.add(JSON.parse(await readBody(req)) as FaultRule);
    return json(200, faults.list());
  }
  if (path === '/__admin/repos') return json(200, await listRepoIds(root));
  return json(404, { error: 'unknown admin path' });
}

export async function startHubServer(opts: HubServerOptions): Promise<HubServer> {
  const log: LogEntry[] = [];
  const faults = new FaultTable();
  let seq = 0;
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS,
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Range, Content-Type, Accept, If-None-Match, X-Requested-With, User-Agent',
        'Access-Control-Max-Age': '86400',
      });
      res.end();
      return;
    }
    if (path.startsWith('/__admin/')) {
      admin(req, res, log, faults, opts.root).catch((e: unknown) => {
        res.writeHead(400, CORS);
        res.end(String(e));
      });
      return;
    }
    const range = typeof req.headers.range === 'string' ? req.headers.range : null;
    const fault = faults.take(method, decodeURIComponent(path), range !== null);
    const entry: LogEntry = { seq: ++seq, time: Date.now(), method, path, range, status: 0, bytesSent: 0, auth: req.headers.authorization !== undefined, fault: fault ? fault.kind : null };
    log.push(entry);
    handle({ req, res, entry, fault }, opts).catch((e: unknown) => {
      if (!res.headersSent) {
        entry.status = 500;
        res.writeHead(500, CORS);
        res.end(`internal error: ${String(e)}`);
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    log: () => log.map((e) => ({ ...e })),
    clearLog: () => {
      log.length = 0;
    },
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
