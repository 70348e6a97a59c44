/**
 * Repositories of the local Hub server: `<root>/<org>/<name>/` holds the files of one model repo,
 * `<root>/datasets/<org>/<name>/` those of one dataset repo (so no model org may be named "datasets").
 * An optional `.hub.json` in the repo folder marks it private or gated and lists the tokens that
 * have access ({"private": true} | {"gated": "manual", "tokens": ["hf_..."]}). The single revision
 * is a fake commit SHA (40 hex) derived from the files' paths and contents, so it changes exactly
 * when the content does; the git blob oid and the sha256 (the LFS oid, used as ETag) per file are
 * computed once per (path, size, mtime).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface RepoMeta {
  private?: boolean;
  gated?: false | 'auto' | 'manual';
  /** Tokens with access (any hf_ token when absent). */
  tokens?: string[];
}

export interface RepoFileInfo {
  path: string;
  size: number;
  mtimeMs: number;
  /** git blob sha1 of the content. */
  oid: string;
  sha256: string;
  /** Stored through LFS on the real Hub (weights, large files). */
  lfs: boolean;
}

export type RepoKind = 'model' | 'dataset';

export interface Repo {
  id: string;
  dir: string;
  meta: RepoMeta;
  files: RepoFileInfo[];
  sha: string;
  lastModified: Date;
}

const LFS_EXT = /\.(safetensors|bin|gguf|pt|pth|ckpt|onnx|msgpack|h5|parquet)$/;
const hashCache = new Map<string, { oid: string; sha256: string }>();

async function hashFile(abs: string, size: number): Promise<{ oid: string; sha256: string }> {
  const sha1 = createHash('sha1').update(`blob ${size}\0`);
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(abs)) {
    sha1.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  return { oid: sha1.digest('hex'), sha256: sha256.digest('hex') };
}

async function walk(dir: string, base: string, out: string[]): Promise<void> {
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    if (ent.name.startsWith('.')) continue;
    const abs = join(dir, ent.name);
    if (ent.isDirectory()) await walk(abs, base, out);
    else if (ent.isFile()) out.push(relative(base, abs).split(sep).join('/'));
  }
}

const VALID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The repo `id` ("org/name") under `root`, or null when there is no such folder. */
export async function loadRepo(root: string, id: string, kind: RepoKind = 'model'): Promise<Repo | null> {
  const parts = id.split('/');
  if (parts.length !== 2 || !parts.every((p) => VALID.test(p) && p !== '..')) return null;
  if (kind === 'model' && parts[0] === 'datasets') return null;
  const dir = kind === 'dataset' ? join(root, 'datasets', ...parts) : join(root, ...parts);
  try {
    if (!(await stat(dir)).isDirectory()) return null;
  } catch {
    return null;
  }
  let meta: RepoMeta = {};
  try {
    meta = JSON.parse(await readFile(join(dir, '.hub.json'), 'utf8')) as RepoMeta;
  } catch {
    meta = {};
  }
  const paths: string[] = [];
  await walk(dir, dir, paths);
  paths.sort();
  const files: RepoFileInfo[] = [];
  let last = 0;
  for (const p of paths) {
    const abs = join(dir, p);
    const st = await stat(abs);
    const key = `${abs}\0${st.size}\0${st.mtimeMs}`;
    let h = hashCache.get(key);
    if (!h) {
      h = await hashFile(abs, st.size);
      hashCache.set(key, h);
    }
    last = Math.max(last, st.mtimeMs);
    files.push({ path: p, size: st.size, mtimeMs: st.mtimeMs, oid: h.oid, sha256: h.sha256, lfs: LFS_EXT.test(p) || st.size > 10 * 1024 * 1024 });
  }
  const sha = createHash('sha1')
    .update(files.map((f) => `${f.path}\0${f.sha256}`).join('\n'))
    .digest('hex');
  return { id, dir, meta, files, sha, lastModified: new Date(last || Date.now()) };
}

/** Every "org/name" folder under root. */
export async function listRepoIds(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const org of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!org.isDirectory() || org.name.startsWith('.') || org.name === 'datasets') continue;
    for (const name of await readdir(join(root, org.name), { withFileTypes: true })) {
      if (name.isDirectory() && !name.name.startsWith('.')) out.push(`${org.name}/${name.name}`);
    }
  }
  return out.sort();
}
