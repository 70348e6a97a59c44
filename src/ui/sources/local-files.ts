/**
 * File objects of local sources, kept outside the store (they are not serialisable and must not
 * be persisted). After a reload the entries remain but their files are gone: the user picks the
 * folder again. Also reads a dropped folder (DataTransferItem.webkitGetAsEntry) into a file list.
 */
import type { SourceEntry } from '../../state/sources-slice';
import { folderName } from './parse-ref';

const files = new Map<string, File[]>();

export function localFilesOf(id: string): File[] | undefined {
  return files.get(id);
}

/** Register picked or dropped files as one local source; returns its entry. */
export function addLocalFiles(list: File[], name?: string): SourceEntry {
  const rel = list.map((f) => f.webkitRelativePath || f.name);
  const base = name ?? folderName(rel) ?? (list.length === 1 ? list[0].name : `local files (${list.length})`);
  let id = base;
  for (let k = 2; files.has(id); k++) id = `${base} (${k})`;
  files.set(id, list);
  return { kind: 'local', id, domain: null, localFiles: { count: list.length, bytes: list.reduce((a, f) => a + f.size, 0) } };
}

export function forgetLocalFiles(id: string): void {
  files.delete(id);
}

function readEntry(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    return new Promise((res, rej) => (entry as FileSystemFileEntry).file((f) => res([f]), rej));
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  return new Promise((res, rej) => {
    const all: Promise<File[]>[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) {
          Promise.all(all).then((parts) => res(parts.flat()), rej);
          return;
        }
        all.push(...batch.map(readEntry));
        next();
      }, rej);
    next();
  });
}

/** The dropped items as sources: one per dropped folder, and one for loose files together. */
export async function filesFromDrop(dt: DataTransfer): Promise<SourceEntry[]> {
  const entries = [...dt.items].map((i) => (i.kind === 'file' ? i.webkitGetAsEntry?.() : null)).filter((e): e is FileSystemEntry => Boolean(e));
  const out: SourceEntry[] = [];
  const loose: File[] = [];
  if (!entries.length) loose.push(...dt.files);
  for (const e of entries) {
    if (e.isDirectory) out.push(addLocalFiles(await readEntry(e), e.name));
    else loose.push(...(await readEntry(e)));
  }
  if (loose.length) out.push(addLocalFiles(loose));
  return out;
}
