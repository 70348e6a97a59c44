/**
 * Export sinks: where an export's files go. An ExportSink opens one file at a time (in the
 * export's deterministic order), takes its bytes in chunks and is finished once at the end. The
 * implementations: a folder in memory (tests), a ZIP archive over any byte stream (downloads,
 * zip.ts), and, in src/io/export, a File System Access directory and a Node folder.
 */
import { InvalidArgumentError } from '../errors';
import type { ByteSink } from '../formats/safetensors-writer';
import { ZipWriter } from './zip';

export interface FileSink extends ByteSink {
  close(): Promise<void>;
}

export interface ExportSink {
  /** Create (or overwrite) `name` (a flat file name) and return a sink for its bytes; close it before the next file. */
  file(name: string): Promise<FileSink>;
  /** Called once after the last file (a ZIP writes its central directory here). */
  finish(): Promise<void>;
}

/** A flat file name: no folders, no traversal, nothing a file system would reject. */
export function checkFileName(name: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError(`export file name ${JSON.stringify(name)} is not a plain file name (letters, digits, '.', '_', '-').`);
  }
}

/** Write a whole small file through a sink. */
export async function writeFile(sink: ExportSink, name: string, data: Uint8Array | string): Promise<void> {
  const f = await sink.file(name);
  await f.write(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  await f.close();
}

/** A folder held in memory: name -> bytes, in creation order. */
export function memoryFolderSink(): ExportSink & { files: Map<string, Uint8Array>; finished: boolean } {
  const files = new Map<string, Uint8Array>();
  const sink = {
    files,
    finished: false,
    file(name: string): Promise<FileSink> {
      checkFileName(name);
      const parts: Uint8Array[] = [];
      return Promise.resolve({
        write(chunk: Uint8Array): Promise<void> {
          parts.push(chunk.slice());
          return Promise.resolve();
        },
        close(): Promise<void> {
          const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
          let o = 0;
          for (const p of parts) {
            out.set(p, o);
            o += p.length;
          }
          files.set(name, out);
          return Promise.resolve();
        },
      });
    },
    finish(): Promise<void> {
      sink.finished = true;
      return Promise.resolve();
    },
  };
  return sink;
}

/** Every file as an entry of one uncompressed ZIP written to `out` (optionally under a folder prefix). */
export function zipSink(out: ByteSink, folder = ''): ExportSink {
  const zip = new ZipWriter(out);
  const prefix = folder ? `${folder.replace(/\/+$/, '')}/` : '';
  return {
    async file(name: string): Promise<FileSink> {
      checkFileName(name);
      return zip.entry(prefix + name);
    },
    finish: () => zip.finish(),
  };
}
