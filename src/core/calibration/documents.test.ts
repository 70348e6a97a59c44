import { describe, expect, it } from 'vitest';
import { DatasetColumnError, UnsupportedDatasetFileError, documentsFromText, jsonlStringColumns, requireTextFileFormat, textFileFormat } from './documents';

describe('calibration documents from text files', () => {
  it('knows .txt, .jsonl and .parquet by extension and rejects the rest with what to pick', () => {
    expect(textFileFormat('data/a.JSONL')).toBe('jsonl');
    expect(textFileFormat('x/train-00000.parquet')).toBe('parquet');
    expect(textFileFormat('README.md')).toBeNull();
    expect(() => requireTextFileFormat('data.csv')).toThrow(UnsupportedDatasetFileError);
    expect(() => requireTextFileFormat('data.csv')).toThrow(/Pick a \.txt, \.jsonl or \.parquet file/);
  });
  it('takes the chosen column of each jsonl line and counts lines without it', () => {
    const text = '{"content":"a b","id":1}\n{"content":"c"}\nnot json\n{"text":"t"}\n';
    expect(documentsFromText('n.jsonl', text, 'content')).toEqual({ documents: ['a b', 'c'], skipped: 2 });
    expect(documentsFromText('n.jsonl', text)).toEqual({ documents: ['t'], skipped: 3 });
    expect(jsonlStringColumns(text)).toEqual(['content', 'text']);
  });
  it('a strict read with no string in the column names the string columns there are', () => {
    const text = '{"content":"a","n":1}\n{"content":"b","lang":"en"}\n';
    let err: unknown;
    try {
      documentsFromText('notes.jsonl', text, 'text', true);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetColumnError);
    expect((err as Error).message).toBe('notes.jsonl has no string column "text". Its string columns: "content", "lang"; pick one of them.');
  });
  it('a .txt file is one document; blank text none', () => {
    expect(documentsFromText('s.txt', 'line one\nline two\n')).toEqual({ documents: ['line one\nline two\n'], skipped: 0 });
    expect(documentsFromText('s.txt', ' \n')).toEqual({ documents: [], skipped: 0 });
  });
});
