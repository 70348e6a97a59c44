/**
 * Text files for calibration (--calib DOMAIN=FILE) and evaluation (--text DOMAIN=FILE): a .jsonl
 * file is one document per line (its "text" field, as the demo corpora); anything else is read as
 * UTF-8 and split into documents at blank lines.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '../core/errors';
import { MissingFileError } from '../io/errors';

export async function readDocuments(file: string, baseDir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(resolve(baseDir, file), 'utf8');
  } catch {
    throw new MissingFileError(`The text file ${file} cannot be read. Check the path.`);
  }
  let docs: string[];
  if (/\.jsonl$/i.test(file)) {
    docs = [];
    text.split('\n').forEach((line, i) => {
      const s = line.trim();
      if (!s) return;
      let obj: unknown;
      try {
        obj = JSON.parse(s);
      } catch {
        throw new InvalidArgumentError(`${file}, line ${i + 1}: not valid JSON. A .jsonl file holds one {"text": ...} object per line.`);
      }
      const t = (obj as { text?: unknown }).text;
      if (typeof t === 'string' && t.length > 0) docs.push(t);
    });
  } else {
    docs = text.split(/\n\s*\n/).map((d) => d.trim()).filter((d) => d.length > 0);
  }
  if (docs.length === 0) throw new InvalidArgumentError(`The text file ${file} holds no text.`);
  return docs;
}
