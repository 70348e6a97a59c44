// Documents from .parquet (hyparquet over a RangeReader), .jsonl and .txt with a token budget:
// column choice, the row-group early stop (asserted on the byte ranges read), typed errors.
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { calibrationParquet } from '../../scripts/hub-server/fixtures';
import { DatasetColumnError, UnsupportedDatasetFileError } from '../core/calibration/documents';
import { bytesReader, countingReader } from '../core/formats/range-reader';
import { readFileDocuments } from './text-documents';

const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
const enc = (t: string) => new TextEncoder().encode(t);

describe('parquet documents', () => {
  it('reads every row of the text column when the budget allows, and lists the string columns', async () => {
    const r = await readFileDocuments('train.parquet', bytesReader(await calibrationParquet()), { tokenBudget: 1e9, countTokens: words });
    expect(r.documents).toHaveLength(24);
    expect(r.documents[0]).toBe('the river runs past the green hills, and the market waits near the early train in the evening.');
    expect(r.columns).toEqual(['text', 'topic']);
    expect(r.complete).toBe(true);
    expect(r.tokens).toBe(r.documents.reduce((a, d) => a + words(d), 0));
  });
  it('another string column can be chosen', async () => {
    const r = await readFileDocuments('train.parquet', bytesReader(await calibrationParquet()), { column: 'topic', tokenBudget: 1e9, countTokens: words });
    expect(r.documents.slice(0, 3)).toEqual(['places', 'travel', 'places']);
  });
  it('stops after the row group that meets the token budget', async () => {
    const progress: [number, number][] = [];
    // Each row has 19 words: 6 rows (one row group) give 114 tokens, so 100 stops after the first.
    const r = await readFileDocuments('train.parquet', bytesReader(await calibrationParquet()), { tokenBudget: 100, countTokens: words, onRead: (d, t) => progress.push([d, t]) });
    expect(r.documents).toHaveLength(6);
    expect(r.complete).toBe(false);
    expect(progress).toEqual([[1, 4]]);
  });
  it('on a larger file, reads only the footer and the row groups it needs, each byte once', async () => {
    const n = 4000;
    const text = Array.from({ length: n }, (_, i) => `document ${i} ${'word '.repeat(20 + (i % 7))}end`);
    const bytes = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data: text, type: 'STRING' }], rowGroupSize: 400, codec: 'UNCOMPRESSED' }));
    const reader = countingReader(bytesReader(bytes));
    const r = await readFileDocuments('big.parquet', reader, { tokenBudget: 20000, countTokens: words });
    expect(r.documents.slice(0, 2)).toEqual([text[0], text[1]]);
    const need = text.reduce((a, d, i) => (a.tokens >= 20000 ? a : { tokens: a.tokens + words(d), rows: i + 1 }), { tokens: 0, rows: 0 });
    expect(r.documents).toHaveLength(Math.ceil(need.rows / 400) * 400);
    const read = reader.reads.reduce((a, [b, e]) => a + e - b, 0);
    expect(read).toBeLessThan(bytes.length / 2);
    const sorted = [...reader.reads].sort((a, b) => a[0] - b[0]);
    expect(sorted.every(([b], i) => i === 0 || b >= sorted[i - 1][1])).toBe(true);
  });
  it('a missing or non-string column is a typed error listing the string columns', async () => {
    const bytes = await calibrationParquet();
    await expect(readFileDocuments('train.parquet', bytesReader(bytes), { column: 'id', tokenBudget: 10, countTokens: words })).rejects.toThrow(DatasetColumnError);
    await expect(readFileDocuments('train.parquet', bytesReader(bytes), { column: 'body', tokenBudget: 10, countTokens: words }))
      .rejects.toThrow('train.parquet has no string column "body". Its string columns: "text", "topic"; pick one of them.');
  });
});

describe('text documents with a budget', () => {
  it('jsonl: whole lines only, in chunks, until the budget', async () => {
    const lines = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ text: `line ${i} of the file` }));
    const reader = countingReader(bytesReader(enc(lines.join('\n') + '\n')));
    const r = await readFileDocuments('big.jsonl', reader, { tokenBudget: 50, countTokens: words });
    expect(r.complete).toBe(false);
    expect(r.documents[0]).toBe('line 0 of the file');
    expect(r.documents.every((d) => /^line \d+ of the file$/.test(d))).toBe(true);
    expect(reader.reads).toHaveLength(1);
    expect(r.columns).toEqual(['text']);
  });
  it('jsonl: reads the whole small file; no string in the column is a typed error', async () => {
    const r = await readFileDocuments('n.jsonl', bytesReader(enc('{"content":"a b"}\n{"content":"c"}')), { column: 'content', tokenBudget: 1e6, countTokens: words });
    expect(r).toMatchObject({ documents: ['a b', 'c'], tokens: 3, complete: true, skipped: 0 });
    await expect(readFileDocuments('n.jsonl', bytesReader(enc('{"content":"a b"}\n')), { tokenBudget: 1e6, countTokens: words })).rejects.toThrow(DatasetColumnError);
  });
  it('txt: one document; unsupported extensions are refused', async () => {
    const r = await readFileDocuments('s.txt', bytesReader(enc('one two\nthree\n')), { tokenBudget: 1e6, countTokens: words });
    expect(r).toMatchObject({ documents: ['one two\nthree\n'], tokens: 3, complete: true });
    await expect(readFileDocuments('s.csv', bytesReader(enc('a,b')), { tokenBudget: 1, countTokens: words })).rejects.toThrow(UnsupportedDatasetFileError);
  });
});
