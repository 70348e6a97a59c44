/**
 * Calibration inputs (DOM-free, unit-tested): documents from an uploaded .txt or .jsonl file,
 * and the CalibrationRequest built from the panel's choices.
 */
import { documentsFromText, textFileFormat, type TextDocuments } from '../../core/calibration/documents';
import type { CalibrationConfig } from '../../state/pipeline-slice';
import type { CalibrationRequest } from '../../workers/studio-types';

export type UploadResult = TextDocuments;

/** A .jsonl file gives one document per line (its "text" field); anything else is one document. */
export function documentsFromUpload(fileName: string, content: string): UploadResult {
  return textFileFormat(fileName) === 'jsonl' ? documentsFromText(fileName, content) : { documents: content.trim() ? [content] : [], skipped: 0 };
}

/** The request: every domain with built-in text ticked or documents of its own. */
export function calibrationRequest(c: CalibrationConfig): CalibrationRequest {
  return {
    tokensPerDomain: c.tokensPerDomain,
    seqLen: c.seqLen,
    domains: c.domains.flatMap((d) => {
      const documents = [...(d.pasted.trim() ? [d.pasted] : []), ...d.uploaded, ...(d.dataset?.documents ?? [])];
      if (!d.builtin && !documents.length) return [];
      return [{ name: d.name, builtin: d.catalog && d.builtin, ...(documents.length ? { documents } : {}) }];
    }),
  };
}
