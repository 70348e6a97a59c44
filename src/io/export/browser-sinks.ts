/**
 * Browser export targets. With the File System Access API the user picks a folder
 * (showDirectoryPicker, in the UI: src/ui/export/save.ts) and every file is streamed into it
 * through createWritable(), in the engine worker. Where that
 * API is missing (Firefox, Safari) the export becomes one uncompressed ZIP: its bytes go to a file
 * in the origin-private file system when available (disk-backed, so memory stays bounded by one
 * tensor) or else to Blob parts (browsers spill large blobs to disk), and the finished archive is
 * handed to the user as a download. Also the reverse: an OpenFile over a picked folder for
 * re-import.
 */
import type { ByteSink } from '../../core/formats/safetensors-writer';
import type { RangeReader } from '../../core/formats/range-reader';
import type { OpenFile } from '../../core/formats/safetensors-index';
import { checkFileName, zipSink, type ExportSink, type FileSink } from '../../core/export/sink';

/** Stream every file into a directory handle (File System Access API or the origin-private file system). */
export function directorySink(dir: FileSystemDirectoryHandle): ExportSink {
  return {
    async file(name: string): Promise<FileSink> {
      checkFileName(name);
      const fh = await dir.getFileHandle(name, { create: true });
      const w = await fh.createWritable();
      return {
        write: (chunk: Uint8Array) => w.write(chunk as Uint8Array<ArrayBuffer>),
        close: () => w.close(),
      };
    },
    finish: () => Promise.resolve(),
  };
}

/** A byte sink whose result is a File/Blob once closed. */
interface BlobSink extends ByteSink {
  close(): Promise<void>;
  result(): Promise<Blob>;
}

async function opfsBlobSink(name: string): Promise<BlobSink | null> {
  try {
    const root = await navigator.storage.getDirectory();
    const fh = await root.getFileHandle(name, { create: true });
    const w = await fh.createWritable();
    return {
      write: (chunk: Uint8Array) => w.write(chunk as Uint8Array<ArrayBuffer>),
      close: () => w.close(),
      result: () => fh.getFile(),
    };
  } catch {
    return null;
  }
}

function memoryBlobSink(): BlobSink {
  const parts: Blob[] = [];
  return {
    write(chunk: Uint8Array): Promise<void> {
      parts.push(new Blob([chunk.slice()]));
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    result: () => Promise.resolve(new Blob(parts, { type: 'application/zip' })),
  };
}

/**
 * An ExportSink that builds `<name>.zip` (entries under `<name>/`) and, on finish, offers it as a
 * download. `deliver` replaces the download (tests read the Blob).
 */
export async function zipDownloadSink(name: string, deliver?: (zip: Blob) => void | Promise<void>): Promise<ExportSink> {
  checkFileName(name);
  const out = (await opfsBlobSink(`${name}.zip`)) ?? memoryBlobSink();
  const inner = zipSink(out, name);
  return {
    file: (f: string) => inner.file(f),
    async finish(): Promise<void> {
      await inner.finish();
      const blob = await out.result();
      if (deliver) await deliver(blob);
      else downloadBlob(blob, `${name}.zip`);
    },
  };
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A RangeReader over a File or Blob (reads slices, never the whole file). */
export function blobReader(blob: Blob): RangeReader {
  return {
    size: blob.size,
    async read(begin: number, end: number): Promise<Uint8Array> {
      return new Uint8Array(await blob.slice(begin, end).arrayBuffer());
    },
  };
}

/** OpenFile over a picked directory (re-import of an export). */
export function directoryOpener(dir: FileSystemDirectoryHandle): OpenFile {
  return async (name: string): Promise<RangeReader | null> => {
    try {
      const fh = await dir.getFileHandle(name);
      return blobReader(await fh.getFile());
    } catch {
      return null;
    }
  };
}
