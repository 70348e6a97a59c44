/**
 * Calibration documents from text files (DOM-free, no I/O): a .txt file is one document, a .jsonl
 * file one document per line (the string field `column`, "text" by default). Used for uploads
 * and for the files of a Hub dataset (src/io/hub-dataset.ts, which also reads .parquet).
 */
import { StudioError, registerError } from '../errors';

/** The file is not .txt, .jsonl or .parquet (or the dataset has none of them). */
export class UnsupportedDatasetFileError extends StudioError {
  override readonly code = 'UNSUPPORTED_DATASET_FILE';
}
registerError('UNSUPPORTED_DATASET_FILE', UnsupportedDatasetFileError);

/** The chosen text column is missing or not a string column; the message lists those there are. */
export class DatasetColumnError extends StudioError {
  override readonly code = 'DATASET_COLUMN';
}
registerError('DATASET_COLUMN', DatasetColumnError);

export type TextFileFormat = 'txt' | 'jsonl' | 'parquet';

/** The format of a file by its extension, or null. */
export function textFileFormat(path: string): TextFileFormat | null {
  const m = /\.(txt|jsonl|parquet)$/i.exec(path);
  return m ? (m[1].toLowerCase() as TextFileFormat) : null;
}

/** Like textFileFormat, but an unsupported file is a typed error that says what to pick. */
export function requireTextFileFormat(path: string): TextFileFormat {
  const f = textFileFormat(path);
  if (!f) throw new UnsupportedDatasetFileError(`"${path}" is not a text file the studio reads. Pick a .txt, .jsonl or .parquet file.`, { path });
  return f;
}

export interface TextDocuments {
  documents: string[];
  /** Lines of a .jsonl that were not JSON or had no non-empty string in the column. */
  skipped: number;
}

function jsonLines(content: string): unknown[] {
  const out: unknown[] = [];
  for (const line of content.split(/\r?\n/)) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push(undefined);
    }
  }
  return out;
}

/** Names of the fields that hold a string in at least one line of a .jsonl text, in order of appearance. */
export function jsonlStringColumns(content: string): string[] {
  const seen = new Set<string>();
  for (const v of jsonLines(content)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === 'string') seen.add(k);
  }
  return [...seen];
}

/**
 * Documents of a .txt (one document) or .jsonl file (one per line, field `column`). With
 * `strict`, a .jsonl with no string in that field at all is a DatasetColumnError naming the
 * string fields it has (uploads are lenient: they count skipped lines instead).
 */
export function documentsFromText(fileName: string, content: string, column = 'text', strict = false): TextDocuments {
  const format = requireTextFileFormat(fileName);
  if (format === 'parquet') throw new UnsupportedDatasetFileError(`${fileName} is a parquet file: it is read as bytes, not text.`, { path: fileName });
  if (format === 'txt') return { documents: content.trim() ? [content] : [], skipped: 0 };
  const documents: string[] = [];
  let skipped = 0;
  for (const v of jsonLines(content)) {
    const text = v && typeof v === 'object' ? (v as Record<string, unknown>)[column] : undefined;
    if (typeof text === 'string' && text.trim()) documents.push(text);
    else skipped++;
  }
  if (strict && documents.length === 0 && skipped > 0) throw columnError(fileName, column, jsonlStringColumns(content));
  return { documents, skipped };
}

export function columnError(file: string, column: string, stringColumns: string[]): DatasetColumnError {
  const have = stringColumns.length ? `Its string columns: ${stringColumns.map((c) => `"${c}"`).join(', ')}; pick one of them.` : 'It has no string column: pick another file.';
  return new DatasetColumnError(`${file} has no string column "${column}". ${have}`, { file, column, columns: stringColumns.join(',') });
}
