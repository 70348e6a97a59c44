/**
 * Node-only export sink and reader over a local folder (CLI, tests, the Python peer check).
 * Files are written through one file handle at a time; reads are positional (byte ranges).
 * Never imported by browser code.
 */
import { mkdirSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRange, type RangeReader } from '../../core/formats/range-reader';
import type { OpenFile } from '../../core/formats/safetensors-index';
import { checkFileName, type ExportSink, type FileSink } from '../../core/export/sink';

export function nodeFolderSink(dir: string): ExportSink {
  mkdirSync(dir, { recursive: true });
  return {
    async file(name: string): Promise<FileSink> {
      checkFileName(name);
      const fh = await open(join(dir, name), 'w');
      return {
        async write(chunk: Uint8Array): Promise<void> {
          let o = 0;
          while (o < chunk.length) o += (await fh.write(chunk, o, chunk.length - o)).bytesWritten;
        },
        close: () => fh.close(),
      };
    },
    finish: () => Promise.resolve(),
  };
}

/** An OpenFile over a local folder: null for missing files. */
export function nodeFolderOpener(dir: string): OpenFile {
  return async (name: string): Promise<RangeReader | null> => {
    const path = join(dir, name);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return null;
    }
    return {
      size,
      async read(begin: number, end: number): Promise<Uint8Array> {
        checkRange(begin, end, size, name);
        const fh = await open(path, 'r');
        try {
          const out = new Uint8Array(end - begin);
          let o = 0;
          while (o < out.length) {
            const { bytesRead } = await fh.read(out, o, out.length - o, begin + o);
            if (bytesRead === 0) throw new Error(`${name}: unexpected end of file`);
            o += bytesRead;
          }
          return out;
        } finally {
          await fh.close();
        }
      },
    };
  };
}

/** A ByteSink over one local file (a ZIP written to disk). */
export async function nodeFileSink(path: string): Promise<FileSink> {
  const fh = await open(path, 'w');
  return {
    async write(chunk: Uint8Array): Promise<void> {
      let o = 0;
      while (o < chunk.length) o += (await fh.write(chunk, o, chunk.length - o)).bytesWritten;
    },
    close: () => fh.close(),
  };
}
