/**
 * A streaming, uncompressed ZIP writer (method 0 "store", CRC-32) over any ByteSink, so an export
 * can be downloaded as one archive without holding it in memory. Entries are written one at a
 * time: local header (CRC and sizes deferred: general-purpose flag bit 3), the data as it comes,
 * then a data descriptor; the central directory is written by `finish()`. Archives past 4 GiB or
 * 65535 entries get ZIP64 records for the offsets (each entry itself must stay under 4 GiB, which
 * 2 GB shards do). Timestamps are fixed (1980-01-01 00:00) so the same files give the same bytes.
 * The reader side (readZipDirectory, zipOpener) lists a stored archive by range reads, so a
 * downloaded export re-imports without unpacking.
 * Reference: PKWARE APPNOTE.TXT 6.3 (sections 4.3.7-4.3.16, 4.5.3).
 */
import { InvalidArgumentError } from '../errors';
import { checkRange, type RangeReader } from '../formats/range-reader';
import type { OpenFile } from '../formats/safetensors-index';
import type { ByteSink } from '../formats/safetensors-writer';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continue a CRC-32 (IEEE) over `bytes`; start with crc = 0. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** DOS date of 1980-01-01 (year 0, month 1, day 1) and time 00:00:00. */
const DOS_DATE = (1 << 5) | 1;
const DOS_TIME = 0;
const U32_MAX = 0xffffffff;
/** Flags: bit 3 (sizes in the data descriptor) and bit 11 (UTF-8 names). */
const FLAGS = (1 << 3) | (1 << 11);

class Bytes {
  private readonly buf: Uint8Array;
  private readonly dv: DataView;
  private o = 0;
  constructor(n: number) {
    this.buf = new Uint8Array(n);
    this.dv = new DataView(this.buf.buffer);
  }
  u16(v: number): this {
    this.dv.setUint16(this.o, v, true);
    this.o += 2;
    return this;
  }
  u32(v: number): this {
    this.dv.setUint32(this.o, v >>> 0, true);
    this.o += 4;
    return this;
  }
  u64(v: number): this {
    this.dv.setBigUint64(this.o, BigInt(v), true);
    this.o += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.buf.set(b, this.o);
    this.o += b.length;
    return this;
  }
  done(): Uint8Array {
    return this.buf.subarray(0, this.o);
  }
}

interface Entry {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

export interface ZipEntrySink extends ByteSink {
  close(): Promise<void>;
}

export class ZipWriter {
  private readonly entries: Entry[] = [];
  private offset = 0;
  private open = false;
  private finished = false;

  constructor(private readonly out: ByteSink) {}

  private async emit(b: Uint8Array): Promise<void> {
    await this.out.write(b);
    this.offset += b.length;
  }

  /** Start an entry; write its data through the returned sink and close it before the next. */
  async entry(name: string): Promise<ZipEntrySink> {
    if (this.open) throw new InvalidArgumentError(`zip entry ${name} started while another is open; close the previous entry first.`);
    if (this.finished) throw new InvalidArgumentError('the zip archive is already finished.');
    if (name.length === 0 || name.startsWith('/') || name.split('/').includes('..')) {
      throw new InvalidArgumentError(`zip entry name ${JSON.stringify(name)} is not a safe relative path.`);
    }
    const nameBytes = new TextEncoder().encode(name);
    const e: Entry = { name: nameBytes, crc: 0, size: 0, offset: this.offset };
    this.open = true;
    await this.emit(
      new Bytes(30 + nameBytes.length)
        .u32(0x04034b50).u16(20).u16(FLAGS).u16(0).u16(DOS_TIME).u16(DOS_DATE)
        .u32(0).u32(0).u32(0).u16(nameBytes.length).u16(0).bytes(nameBytes).done(),
    );
    return {
      write: async (chunk: Uint8Array): Promise<void> => {
        if (e.size + chunk.length >= U32_MAX) {
          throw new InvalidArgumentError(`zip entry ${name} passes 4 GiB; write smaller files (e.g. lower the shard size).`);
        }
        e.crc = crc32(chunk, e.crc);
        e.size += chunk.length;
        await this.emit(chunk);
      },
      close: async (): Promise<void> => {
        await this.emit(new Bytes(16).u32(0x08074b50).u32(e.crc).u32(e.size).u32(e.size).done());
        this.entries.push(e);
        this.open = false;
      },
    };
  }

  /** Write a whole small file. */
  async file(name: string, data: Uint8Array): Promise<void> {
    const s = await this.entry(name);
    await s.write(data);
    await s.close();
  }

  /** Write the central directory (and ZIP64 end records when needed), then close the sink. */
  async finish(): Promise<void> {
    if (this.open) throw new InvalidArgumentError('the last zip entry was not closed.');
    this.finished = true;
    const cdStart = this.offset;
    for (const e of this.entries) {
      const big = e.offset >= U32_MAX;
      const extra = big ? new Bytes(12).u16(0x0001).u16(8).u64(e.offset).done() : new Uint8Array(0);
      await this.emit(
        new Bytes(46 + e.name.length + extra.length)
          .u32(0x02014b50).u16(big ? 45 : 20).u16(big ? 45 : 20).u16(FLAGS).u16(0).u16(DOS_TIME).u16(DOS_DATE)
          .u32(e.crc).u32(e.size).u32(e.size).u16(e.name.length).u16(extra.length).u16(0).u16(0).u16(0)
          .u32(0).u32(big ? U32_MAX : e.offset).bytes(e.name).bytes(extra).done(),
      );
    }
    const cdSize = this.offset - cdStart;
    const n = this.entries.length;
    const zip64 = n >= 0xffff || cdStart >= U32_MAX || cdSize >= U32_MAX;
    if (zip64) {
      const eocd64 = this.offset;
      await this.emit(
        new Bytes(56).u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0).u64(n).u64(n).u64(cdSize).u64(cdStart).done(),
      );
      await this.emit(new Bytes(20).u32(0x07064b50).u32(0).u64(eocd64).u32(1).done());
    }
    await this.emit(
      new Bytes(22)
        .u32(0x06054b50).u16(0).u16(0).u16(zip64 ? 0xffff : n).u16(zip64 ? 0xffff : n)
        .u32(zip64 ? U32_MAX : cdSize).u32(zip64 ? U32_MAX : cdStart).u16(0).done(),
    );
    await this.out.close?.();
  }
}

export interface ZipListing {
  name: string;
  crc: number;
  size: number;
  /** Offset of the entry's data in the archive. */
  dataOffset: number;
}

/**
 * Read the central directory of an uncompressed archive (ZipWriter's, or any stored-only ZIP)
 * through range reads: the tail, the directory, and each entry's local header.
 */
export async function readZipDirectory(reader: RangeReader): Promise<ZipListing[]> {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`not a readable zip archive: ${why}. Export the model again or unpack the archive and pick the folder.`);
  };
  const tailStart = Math.max(0, reader.size - 22 - 65535);
  const tail = await reader.read(tailStart, reader.size);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-central-directory record');
  let n = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cd = tv.getUint32(eocd + 16, true);
  if (cd === U32_MAX || n === 0xffff) {
    const loc = eocd - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== 0x07064b50) bad('ZIP64 locator missing');
    const at = Number(tv.getBigUint64(loc + 8, true));
    const e64 = await reader.read(at, at + 56);
    const ev = new DataView(e64.buffer, e64.byteOffset, 56);
    n = Number(ev.getBigUint64(32, true));
    cdSize = Number(ev.getBigUint64(40, true));
    cd = Number(ev.getBigUint64(48, true));
  }
  const dir = await reader.read(cd, cd + cdSize);
  const dv = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const out: ZipListing[] = [];
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (dv.getUint32(p, true) !== 0x02014b50) bad('damaged central directory');
    if (dv.getUint16(p + 10, true) !== 0) bad('compressed entries (only stored entries are read)');
    const crc = dv.getUint32(p + 16, true);
    const csize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let offset = dv.getUint32(p + 42, true);
    // ZIP64 extra field: the 8-byte values present are those whose 4-byte fields are saturated.
    let q = p + 46 + nameLen;
    const end = q + extraLen;
    while (q + 4 <= end) {
      const id = dv.getUint16(q, true);
      const len = dv.getUint16(q + 2, true);
      if (id === 0x0001) {
        let r = q + 4;
        if (size === U32_MAX) {
          size = Number(dv.getBigUint64(r, true));
          r += 8;
        }
        if (csize === U32_MAX) r += 8;
        if (offset === U32_MAX) offset = Number(dv.getBigUint64(r, true));
      }
      q += 4 + len;
    }
    const name = new TextDecoder().decode(dir.subarray(p + 46, p + 46 + nameLen));
    const local = await reader.read(offset, offset + 30);
    const lv = new DataView(local.buffer, local.byteOffset, 30);
    if (lv.getUint32(0, true) !== 0x04034b50) bad(`no local header for ${name}`);
    out.push({ name, crc, size, dataOffset: offset + 30 + lv.getUint16(26, true) + lv.getUint16(28, true) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/**
 * An OpenFile over the entries of an archive (re-import of a downloaded export without
 * unpacking it): `folder` is the entry prefix (ZipWriter's export puts files under "<name>/");
 * when omitted, the single top-level folder is used if there is one.
 */
export async function zipOpener(reader: RangeReader, folder?: string): Promise<OpenFile> {
  const list = await readZipDirectory(reader);
  let prefix = folder === undefined ? '' : folder ? `${folder.replace(/\/+$/, '')}/` : '';
  if (folder === undefined) {
    const tops = new Set(list.map((e) => (e.name.includes('/') ? e.name.slice(0, e.name.indexOf('/') + 1) : '')));
    if (tops.size === 1) prefix = [...tops][0];
  }
  const byName = new Map(list.filter((e) => e.name.startsWith(prefix)).map((e) => [e.name.slice(prefix.length), e]));
  return (name: string): Promise<RangeReader | null> => {
    const e = byName.get(name);
    if (!e) return Promise.resolve(null);
    return Promise.resolve({
      size: e.size,
      read(begin: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
        checkRange(begin, end, e.size, name);
        return reader.read(e.dataOffset + begin, e.dataOffset + end, signal);
      },
    });
  };
}
