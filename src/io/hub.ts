/**
 * The Hugging Face Hub as a checkpoint source, through @huggingface/hub (modelInfo for the commit
 * SHA, listFiles for the file list) with a configurable hub URL (huggingface.co, a mirror, or the
 * local test server), an optional access token and a revision (branch, tag or SHA; a URL such as
 * https://huggingface.co/org/name/tree/rev carries one). Files are then read by byte range from
 * `{hubUrl}/{repo}/resolve/{sha}/{path}` through HttpRangeReader (retry, resume, cache, progress).
 * The token lives only in this call's closures: it is sent to the hub origin only (guardedFetch,
 * authHeaders) and never put into sources, errors, URLs or events.
 */
import { datasetInfo, HubApiError, listFiles, modelInfo } from '@huggingface/hub';
import { throwIfAborted } from '../core/errors';
import type { ChunkCache } from './cache';
import { openCheckpoint, type Checkpoint, type OpenOptions, type RepoFile } from './checkpoint';
import { hubError, InvalidModelRefError, InvalidTokenError, NetworkError, redactSecrets } from './errors';
import { DEFAULT_RETRY, guardedFetch, HttpRangeReader, Limiter, sleep, type FetchFn, type HttpContext, type RetryOptions } from './http';
import { TransferMeter } from './progress';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

export interface ModelRef {
  repo: string;
  revision?: string;
}

const SEG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** A repository reference: repo id, revision, and (dataset URLs only) a file path. */
export interface HubRef extends ModelRef {
  path?: string;
}

const NOUN = { model: { id: 'model ID', example: 'Type a model ID like Qwen/Qwen2.5-0.5B or paste its huggingface.co URL' }, dataset: { id: 'dataset ID', example: 'Type a dataset ID like org/name or paste its huggingface.co/datasets/... URL' } };

/**
 * "org/name", "org/name@rev", or a Hub URL (https://huggingface.co/[datasets/]org/name[/tree|blob|resolve|commit/rev[/path]],
 * also hf.co and any host, e.g. a local mirror) -> repo id, revision and, for a dataset's blob or resolve URL, the file.
 */
export function parseHubRef(input: string, kind: 'model' | 'dataset'): HubRef {
  const bad = (why: string): never => {
    throw new InvalidModelRefError(`"${redactSecrets(input.trim()).slice(0, 200)}" ${why}. ${NOUN[kind].example}.`);
  };
  let s = input.trim();
  let revision: string | undefined;
  let path: string | undefined;
  let segs: string[];
  if (/^(https?:\/\/|hf\.co\/|huggingface\.co\/)/i.test(s)) {
    if (!/^https?:\/\//i.test(s)) s = `https://${s}`;
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return bad('is not a valid URL');
    }
    segs = u.pathname.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    if (kind === 'model') {
      if (segs[0] === 'datasets' || segs[0] === 'spaces') bad(`is a ${segs[0] === 'datasets' ? 'dataset' : 'Space'}, not a model`);
      if (segs[0] === 'models') segs = segs.slice(1);
    } else {
      if (segs[0] !== 'datasets') bad('is not a dataset URL (it has no /datasets/)');
      segs = segs.slice(1);
    }
    const at = segs.findIndex((p, i) => i >= 1 && i <= 2 && ['tree', 'blob', 'resolve', 'commit', 'raw'].includes(p));
    if (at >= 0) {
      revision = segs[at + 1];
      // refs/pr/N and refs/convert/... may come unencoded.
      if (revision === 'refs' && segs.length > at + 3) revision = segs.slice(at + 1, at + 4).join('/');
      if (!revision) bad('has no revision after /' + segs[at]);
      const rest = segs.slice(at + 1 + revision.split('/').length).join('/');
      if (kind === 'dataset' && rest && ['blob', 'resolve', 'raw'].includes(segs[at])) path = rest;
      segs = segs.slice(0, at);
    }
  } else {
    const at = s.lastIndexOf('@');
    if (at > 0) {
      revision = s.slice(at + 1);
      s = s.slice(0, at);
    }
    segs = s.split('/').filter(Boolean);
  }
  if (segs.length < 1 || segs.length > 2 || !segs.every((p) => SEG.test(p) && !p.includes('..'))) bad(`is not a ${NOUN[kind].id}`);
  if (revision !== undefined && (revision.length === 0 || /\s|\.\./.test(revision))) bad('has an invalid revision');
  return { repo: segs.join('/'), ...(revision ? { revision } : {}), ...(path ? { path } : {}) };
}

/** A model reference (see parseHubRef). */
export function parseModelRef(input: string): ModelRef {
  return parseHubRef(input, 'model');
}

export interface HubOptions extends OpenOptions {
  hubUrl?: string;
  /** Branch, tag or commit SHA; overrides a revision in the reference. Default: main. */
  revision?: string;
  accessToken?: string;
  fetch?: FetchFn;
  cache?: ChunkCache;
  /** Requests in flight at once for this source (ignored when `limiter` is given). */
  concurrency?: number;
  /** Share one limit across sources. */
  limiter?: Limiter;
  retry?: Partial<RetryOptions>;
}

export async function withRetry<T>(fn: () => Promise<T>, retry: RetryOptions, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const transient = (e instanceof HubApiError && (e.statusCode >= 500 || e.statusCode === 429)) || (e instanceof TypeError && !(e instanceof HubApiError));
      if (!transient || attempt >= retry.retries) throw e;
      await sleep(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt), signal);
    }
  }
}

/**
 * What every Hub call of one repository shares: the hub URL and origin, the checked token, the
 * retry policy, a fetch that keeps the token on the hub's origin, and the mapping of failures to
 * typed errors (`noun`: "model" or "dataset", for the messages).
 */
export function hubClient(repo: string, opts: HubOptions, noun: 'model' | 'dataset') {
  const hubUrl = (opts.hubUrl ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
  const hubOrigin = new URL(hubUrl).origin;
  const token = opts.accessToken?.trim() || undefined;
  if (token !== undefined && !/^hf_[A-Za-z0-9]+$/.test(token)) {
    throw new InvalidTokenError('The access token does not look like a Hugging Face token (hf_ followed by letters and digits). Copy it again from your Hugging Face settings (Access Tokens).');
  }
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const f = guardedFetch(opts.fetch ?? fetch.bind(globalThis), hubOrigin);
  const mapHubError = (e: unknown, what: string): Error => {
    if (e instanceof HubApiError) return hubError(e.statusCode, f.errorCodes.get(e.url) ?? null, repo, token !== undefined, what, noun);
    if (e instanceof TypeError) {
      return new NetworkError(`Could not reach ${hubUrl} (${redactSecrets(e.message, [token])}). Check the connection and the hub URL, then load ${repo} again.`, { repo });
    }
    return e as Error;
  };
  const httpContext = (onProgress: HttpContext['onProgress']): HttpContext => ({
    fetch: f,
    source: repo,
    token,
    hubOrigin,
    cache: opts.cache,
    limiter: opts.limiter ?? new Limiter(opts.concurrency ?? 4),
    retry,
    meter: new TransferMeter(),
    onProgress,
    mapStatus: (e: { status: number; hubErrorCode: string | null }, file: string) => hubError(e.status, e.hubErrorCode, repo, token !== undefined, file, noun),
  });
  return { hubUrl, hubOrigin, token, retry, f, mapHubError, httpContext };
}

/** The commit SHA of `revision` of a model or dataset repository and its files (recursive). */
export async function resolveRepo(
  kind: 'model' | 'dataset', repo: string, revision: string, client: ReturnType<typeof hubClient>, signal?: AbortSignal, onProgress?: HubOptions['onProgress'],
): Promise<{ sha: string; files: RepoFile[] }> {
  const { hubUrl, token, retry, f, mapHubError } = client;
  let sha: string;
  try {
    const args = { name: repo, revision, hubUrl, accessToken: token, fetch: f, additionalFields: ['sha'] as ['sha'] };
    const info = await withRetry(() => (kind === 'model' ? modelInfo(args) : datasetInfo(args)), retry, signal);
    sha = info.sha;
  } catch (e) {
    throw mapHubError(e, `revision ${revision}`);
  }
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new NetworkError(`${hubUrl} returned no commit SHA for ${repo}; it does not behave like a Hugging Face Hub. Check the hub URL.`, { repo });
  throwIfAborted(signal);
  onProgress?.({ type: 'stage', source: repo, stage: 'listing', message: `Listing files of ${repo}@${sha.slice(0, 8)}` });
  const files: RepoFile[] = [];
  try {
    await withRetry(async () => {
      files.length = 0;
      for await (const e of listFiles({ repo: { type: kind, name: repo }, revision: sha, hubUrl, accessToken: token, fetch: f, recursive: true })) {
        if (e.type === 'file') files.push({ path: e.path, size: e.size });
      }
    }, retry, signal);
  } catch (e) {
    throw mapHubError(e, 'file list');
  }
  return { sha, files };
}

/** Resolve a model reference on the Hub and open it as a Checkpoint. */
export async function openHubCheckpoint(ref: string, opts: HubOptions = {}): Promise<Checkpoint> {
  const parsed = parseModelRef(ref);
  const repo = parsed.repo;
  const revision = opts.revision ?? parsed.revision ?? 'main';
  const client = hubClient(repo, opts, 'model');
  const { hubUrl, httpContext } = client;
  const { signal, onProgress } = opts;
  onProgress?.({ type: 'stage', source: repo, stage: 'resolving', message: `Resolving ${repo}@${revision}` });
  const { sha, files } = await resolveRepo('model', repo, revision, client, signal, onProgress);
  const ctx = httpContext(onProgress);
  const sizes = new Map(files.map((x) => [x.path, x.size]));
  return openCheckpoint(
    {
      source: { kind: 'hub', id: repo, revision: sha, ...(revision !== sha ? { requestedRevision: revision } : {}), hubUrl },
      files,
      open: (path) => new HttpRangeReader(`${hubUrl}/${repo}/resolve/${sha}/${path.split('/').map(encodeURIComponent).join('/')}`, sizes.get(path) ?? 0, path, ctx, { repo, commit: sha }),
    },
    opts,
  );
}
