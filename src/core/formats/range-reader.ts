/**
 * RangeReader: the one abstraction every byte source implements (an in-memory buffer, a File or
 * Blob, a Node file, an HTTP resource read with Range requests). Readers return exactly
 * end - begin bytes or throw; offsets are absolute within the file, end exclusive.
 */
import { InvalidArgumentError } from '../errors';

export interface RangeReader {
  /** Total size of the file in bytes. */
  readonly size: number;
  /** Bytes [begin, end) of the file. */
  read(begin: number, end: number, signal?: AbortSignal): Promise<Uint8Array>;
}

export function checkRange(begin: number, end: number, size: number, what = 'file'): void {
  if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end < begin || end > size) {
    throw new InvalidArgumentError(`byte range [${begin}, ${end}) is outside the ${size}-byte ${what}; this is a bug in the caller.`, {
      begin,
      end,
      size,
    });
  }
}

/** A reader over bytes already in memory (tests, small files, a dropped file read whole). */
export function bytesReader(bytes: Uint8Array): RangeReader {
  return {
    size: bytes.length,
    read(begin: number, end: number): Promise<Uint8Array> {
      checkRange(begin, end, bytes.length);
      return Promise.resolve(bytes.slice(begin, end));
    },
  };
}

/** Wrap a reader so that every read is recorded (tests use it to prove reads are lazy). */
export function countingReader(inner: RangeReader): RangeReader & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    size: inner.size,
    reads,
    read(begin: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
      reads.push([begin, end]);
      return inner.read(begin, end, signal);
    },
  };
}
