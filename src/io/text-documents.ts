/**
 * Calibration documents read from a file by byte range, stopping once a token budget is met:
 * parquet (hyparquet, docs/decisions/0003-parquet-reader.md) one row group at a time, the text
 * column only; .txt and .jsonl in growing chunks, cut at a line end. Tokens are counted by the
 * caller's function (the anchor's tokenizer, or an estimate).
 */
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { columnError, documentsFromText, jsonlStringColumns, requireTextFileFormat } from '../core/calibration/documents';
import { throwIfAborted } from '../core/errors';
import type { RangeReader } from '../core/formats/range-reader';

export interface ReadDocumentsOptions {
  /** Text column of a .jsonl or .parquet file (default "text"). */
  column?: string;
  /** Stop reading once this many tokens were collected. */
  tokenBudget: number;
  countTokens: (text: string) => number;
  signal?: AbortSignal;
  /** done / total in row groups (parquet) or bytes (text). */
  onRead?: (done: number, total: number) => void;
}

export interface FileDocuments {
  documents: string[];
  tokens: number;
  /** String columns of the file (jsonl: of the lines read; txt: none). */
  columns: string[];
  /** The whole file was read (false: it stopped at the token budget). */
  complete: boolean;
  /** Rows or lines without text in the column. */
  skipped: number;
}

/** A RangeReader as hyparquet's AsyncBuffer; a slice inside a range already read (the footer read) is served from it. */
function asyncBuffer(r: RangeReader, signal?: AbortSignal): AsyncBuffer {
  const held: { begin: number; bytes: Uint8Array }[] = [];
  const copy = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  return {
    byteLength: r.size,
    slice: async (start, end = r.size) => {
      const h = held.find((x) => start >= x.begin && end <= x.begin + x.bytes.length);
      if (h) return copy(h.bytes.subarray(start - h.begin, end - h.begin));
      const b = await r.read(start, end, signal);
      held.push({ begin: start, bytes: b });
      return copy(b);
    },
  };
}

/** The first read of a parquet file: its last 16 KiB (the footer, usually whole). */
const FOOTER_FETCH = 16 * 1024;

/** Top-level string columns of a parquet file. */
export function parquetStringColumns(metadata: FileMetaData): string[] {
  return parquetSchema(metadata).children
    .filter((c) => c.children.length === 0 && c.element.type === 'BYTE_ARRAY' && (c.element.converted_type === 'UTF8' || c.element.logical_type?.type === 'STRING'))
    .map((c) => c.element.name);
}

async function readParquet(name: string, r: RangeReader, o: ReadDocumentsOptions): Promise<FileDocuments> {
  const column = o.column ?? 'text';
  const file = asyncBuffer(r, o.signal);
  const metadata = await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH });
  const columns = parquetStringColumns(metadata);
  if (!columns.includes(column)) throw columnError(name, column, columns);
  const out: FileDocuments = { documents: [], tokens: 0, columns, complete: false, skipped: 0 };
  const groups = metadata.row_groups;
  let rowStart = 0;
  for (const [i, g] of groups.entries()) {
    throwIfAborted(o.signal);
    const rowEnd = rowStart + Number(g.num_rows);
    let rows: unknown[][] = [];
    await parquetRead({ file, metadata, columns: [column], rowStart, rowEnd, compressors, onComplete: (x) => (rows = x) });
    for (const [v] of rows) {
      if (typeof v === 'string' && v.trim()) {
        out.documents.push(v);
        out.tokens += o.countTokens(v);
      } else out.skipped++;
    }
    rowStart = rowEnd;
    o.onRead?.(i + 1, groups.length);
    if (out.tokens >= o.tokenBudget) break;
  }
  out.complete = rowStart >= Number(metadata.num_rows);
  return out;
}

const FIRST_CHUNK = 64 * 1024;

async function readText(name: string, r: RangeReader, format: 'txt' | 'jsonl', o: ReadDocumentsOptions): Promise<FileDocuments> {
  const column = o.column ?? 'text';
  const out: FileDocuments = { documents: [], tokens: 0, columns: [], complete: false, skipped: 0 };
  const decoder = new TextDecoder();
  const columns = new Set<string>();
  let pos = 0;
  let carry = '';
  let text = '';
  let chunk = Math.max(FIRST_CHUNK, o.tokenBudget * 8);
  while (pos < r.size && out.tokens < o.tokenBudget) {
    throwIfAborted(o.signal);
    const end = Math.min(r.size, pos + chunk);
    const s = carry + decoder.decode(await r.read(pos, end, o.signal), { stream: end < r.size });
    pos = end;
    chunk *= 2;
    // Only whole lines now; the rest waits for the next chunk (or is the last line).
    const cut = pos < r.size ? s.lastIndexOf('\n') + 1 : s.length;
    carry = s.slice(cut);
    const part = s.slice(0, cut);
    o.onRead?.(pos, r.size);
    if (!part) continue;
    if (format === 'txt') {
      text += part;
      out.tokens += o.countTokens(part);
      continue;
    }
    const d = documentsFromText(name, part, column);
    for (const c of jsonlStringColumns(part)) columns.add(c);
    out.documents.push(...d.documents);
    out.skipped += d.skipped;
    out.tokens += d.documents.reduce((a, x) => a + o.countTokens(x), 0);
  }
  out.complete = pos >= r.size;
  if (format === 'txt') out.documents = text.trim() ? [text] : [];
  out.columns = [...columns];
  if (format === 'jsonl' && out.documents.length === 0 && out.skipped > 0) throw columnError(name, column, out.columns);
  return out;
}

/** Documents of a .txt, .jsonl or .parquet file (by its name), read until the token budget is met. */
export async function readFileDocuments(name: string, r: RangeReader, o: ReadDocumentsOptions): Promise<FileDocuments> {
  const format = requireTextFileFormat(name);
  return format === 'parquet' ? readParquet(name, r, o) : readText(name, r, format, o);
}
