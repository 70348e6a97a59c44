/**
 * A model folder on disk as a checkpoint (Node only: the CLI and tests). Files are read lazily by
 * range with positional reads; nested paths use "/" as on the Hub.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { checkRange, type RangeReader } from '../core/formats/range-reader';
import { contentRevision, openCheckpoint, type Checkpoint, type OpenOptions, type RepoFile } from './checkpoint';
import { MissingFileError } from './errors';

export function nodeFileReader(path: string, size: number): RangeReader {
  return {
    size,
    async read(begin: number, end: number): Promise<Uint8Array> {
      checkRange(begin, end, size, path);
      const fh = await open(path, 'r');
      try {
        const buf = new Uint8Array(end - begin);
        let o = 0;
        while (o < buf.length) {
          const { bytesRead } = await fh.read(buf, o, buf.length - o, begin + o);
          if (bytesRead === 0) throw new MissingFileError(`${path} is shorter than expected; it changed while loading. Load it again.`);
          o += bytesRead;
        }
        return buf;
      } finally {
        await fh.close();
      }
    },
  };
}

async function walk(dir: string, base: string, out: RepoFile[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const abs = join(dir, e.name);
    if (e.isDirectory()) await walk(abs, base, out);
    else if (e.isFile()) out.push({ path: relative(base, abs).split(sep).join('/'), size: (await stat(abs)).size });
  }
}

export async function openFolderCheckpoint(dir: string, opts: OpenOptions = {}): Promise<Checkpoint> {
  const files: RepoFile[] = [];
  try {
    await walk(dir, dir, files);
  } catch {
    throw new MissingFileError(`The folder ${dir} cannot be read. Check the path.`, { folder: dir });
  }
  const config = files.some((f) => f.path === 'config.json') ? await readFile(join(dir, 'config.json'), 'utf8') : '';
  const revision = `local-${await contentRevision(files, config)}`;
  const sizes = new Map(files.map((f) => [f.path, f.size]));
  return openCheckpoint({ source: { kind: 'folder', id: basename(dir), revision }, files, open: (p) => nodeFileReader(join(dir, ...p.split('/')), sizes.get(p)!) }, opts);
}
