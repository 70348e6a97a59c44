/** JSON bodies of the local Hub server's /api/ endpoints (server.ts). */
import type { Repo, RepoFileInfo, RepoKind } from './repos';

/** The repo info JSON (model or dataset), as /api/models/... and /api/datasets/... answer. */
export function repoInfoJson(repo: Repo, kind: RepoKind): Record<string, unknown> {
  const info = modelInfoFields(repo);
  if (kind === 'model') return info;
  for (const k of ['modelId', 'pipeline_tag', 'library_name']) delete info[k];
  return { ...info, tags: ['format:parquet'], cardData: {} };
}

function modelInfoFields(repo: Repo): Record<string, unknown> {
  return {
    _id: repo.sha.slice(0, 24),
    id: repo.id,
    modelId: repo.id,
    author: repo.id.split('/')[0],
    sha: repo.sha,
    private: !!repo.meta.private,
    gated: repo.meta.gated ?? false,
    disabled: false,
    downloads: 0,
    likes: 0,
    tags: ['safetensors'],
    pipeline_tag: 'text-generation',
    library_name: 'transformers',
    lastModified: repo.lastModified.toISOString(),
    createdAt: repo.lastModified.toISOString(),
    siblings: repo.files.map((f) => ({ rfilename: f.path })),
  };
}

export function treeEntries(repo: Repo, dir: string, recursive: boolean): unknown[] {
  const prefix = dir ? dir.replace(/\/$/, '') + '/' : '';
  const out: unknown[] = [];
  const dirs = new Set<string>();
  const fileEntry = (f: RepoFileInfo) => ({
    type: 'file',
    oid: f.oid,
    size: f.size,
    path: f.path,
    ...(f.lfs ? { lfs: { oid: f.sha256, size: f.size, pointerSize: 134 } } : {}),
  });
  for (const f of repo.files) {
    if (!f.path.startsWith(prefix)) continue;
    const rest = f.path.slice(prefix.length).split('/');
    for (let i = 1; i < rest.length; i++) {
      const d = prefix + rest.slice(0, i).join('/');
      if ((recursive || i === 1) && !dirs.has(d)) {
        dirs.add(d);
        out.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path: d });
      }
    }
    if (recursive || rest.length === 1) out.push(fileEntry(f));
  }
  return out;
}

