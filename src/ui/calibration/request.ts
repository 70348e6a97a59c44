/**
 * Calibration inputs (DOM-free, unit-tested): documents from an uploaded .txt or .jsonl file,
 * and the CalibrationRequest built from the panel's choices.
 */
import type { CalibrationConfig } from '../../state/pipeline-slice';
import type { CalibrationRequest } from '../../workers/studio-types';

export interface UploadResult {
  documents: string[];
  /** Lines of a .jsonl that were not JSON or had no string "text" field. */
  skipped: number;
}

/** A .jsonl file gives one document per line (its "text" field); anything else is one document. */
export function documentsFromUpload(fileName: string, content: string): UploadResult {
  if (!/\.jsonl$/i.test(fileName)) return { documents: content.trim() ? [content] : [], skipped: 0 };
  const documents: string[] = [];
  let skipped = 0;
  for (const line of content.split(/\r?\n/)) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      const text = v && typeof v === 'object' ? (v as Record<string, unknown>).text : undefined;
      if (typeof text === 'string' && text.trim()) documents.push(text);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { documents, skipped };
}

/** The request: every domain with built-in text ticked or documents of its own. */
export function calibrationRequest(c: CalibrationConfig): CalibrationRequest {
  return {
    tokensPerDomain: c.tokensPerDomain,
    seqLen: c.seqLen,
    domains: c.domains.flatMap((d) => {
      const documents = [...(d.pasted.trim() ? [d.pasted] : []), ...d.uploaded];
      if (!d.builtin && !documents.length) return [];
      return [{ name: d.name, builtin: d.catalog && d.builtin, ...(documents.length ? { documents } : {}) }];
    }),
  };
}
