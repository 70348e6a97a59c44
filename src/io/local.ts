/**
 * Local checkpoints: File/Blob objects from a file picker (with or without a folder) or a drop,
 * read lazily by range through Blob.slice, and (node-folder.ts) a folder on disk for the CLI.
 * Picked folders carry `webkitRelativePath` ("folder/config.json"); a common top folder is
 * stripped so paths match the Hub layout. The revision is a content hash of names, sizes and config.
 */
import type { RangeReader } from '../core/formats/range-reader';
import { checkRange } from '../core/formats/range-reader';
import { contentRevision, openCheckpoint, type Checkpoint, type OpenOptions } from './checkpoint';
import { MissingFileError } from './errors';

export interface LocalFile {
  path: string;
  blob: Blob;
}

export function blobReader(blob: Blob): RangeReader {
  return {
    size: blob.size,
    async read(begin: number, end: number): Promise<Uint8Array> {
      checkRange(begin, end, blob.size);
      return new Uint8Array(await blob.slice(begin, end).arrayBuffer());
    },
  };
}

/** Files from a picker or a drop -> paths relative to the model folder. */
export function localFilesFrom(files: Iterable<File | LocalFile>): LocalFile[] {
  const list = [...files].map((f) =>
    f instanceof Blob ? { path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, blob: f } : f,
  );
  const tops = new Set(list.map((f) => (f.path.includes('/') ? f.path.split('/')[0] : '')));
  const strip = tops.size === 1 && !tops.has('');
  return list.map((f) => ({ path: strip ? f.path.split('/').slice(1).join('/') : f.path, blob: f.blob }));
}

/** Open picked or dropped files as a checkpoint; `label` names it (default: the folder name). */
export async function openLocalCheckpoint(input: Iterable<File | LocalFile>, opts: OpenOptions & { label?: string } = {}): Promise<Checkpoint> {
  const raw = [...input];
  const files = localFilesFrom(raw);
  if (files.length === 0) throw new MissingFileError('No files were given. Pick or drop the model folder (config.json, tokenizer.json and the .safetensors files).');
  const first = raw[0];
  const folder = first instanceof Blob ? ((first as File & { webkitRelativePath?: string }).webkitRelativePath ?? '').split('/')[0] : '';
  const label = opts.label ?? (folder || 'local model');
  const byPath = new Map(files.map((f) => [f.path, f.blob]));
  const listing = files.map((f) => ({ path: f.path, size: f.blob.size }));
  const config = byPath.get('config.json');
  const revision = `local-${await contentRevision(listing, config ? await config.text() : '')}`;
  return openCheckpoint({ source: { kind: 'local', id: label, revision }, files: listing, open: (p) => blobReader(byPath.get(p)!) }, opts);
}
