/**
 * Hub datasets as calibration text: a dataset ID or huggingface.co/datasets/... URL -> its
 * .txt / .jsonl / .parquet files (through @huggingface/hub, repo type dataset, with the same hub
 * URL, token guard, retry and typed errors as model sources), and the documents of one file, read
 * by byte range from `{hubUrl}/datasets/{repo}/resolve/{sha}/{path}` through HttpRangeReader (the
 * download cache, resume) until the domain's token budget is met (text-documents.ts).
 */
import { textFileFormat, UnsupportedDatasetFileError, type TextFileFormat } from '../core/calibration/documents';
import { throwIfAborted } from '../core/errors';
import { HttpRangeReader } from './http';
import { hubClient, parseHubRef, resolveRepo, type HubOptions, type HubRef } from './hub';
import { readFileDocuments, type FileDocuments, type ReadDocumentsOptions } from './text-documents';

/** "org/name", "org/name@rev" or a huggingface.co/datasets/org/name[/tree|blob|resolve/rev[/path]] URL. */
export function parseDatasetRef(input: string): HubRef {
  return parseHubRef(input, 'dataset');
}

export interface DatasetFile {
  path: string;
  size: number;
  format: TextFileFormat;
}

export interface DatasetListing {
  repo: string;
  /** Commit SHA the listing is of. */
  revision: string;
  files: DatasetFile[];
  /** The file the URL named, if any. */
  path?: string;
}

/** The dataset's text files (.txt, .jsonl, .parquet), sorted by path. */
export async function listDatasetFiles(ref: string, opts: HubOptions = {}): Promise<DatasetListing> {
  const parsed = parseDatasetRef(ref);
  const client = hubClient(parsed.repo, opts, 'dataset');
  const { sha, files } = await resolveRepo('dataset', parsed.repo, opts.revision ?? parsed.revision ?? 'main', client, opts.signal);
  const text = files.flatMap((f) => {
    const format = textFileFormat(f.path);
    return format ? [{ path: f.path, size: f.size, format }] : [];
  }).sort((a, b) => a.path.localeCompare(b.path));
  if (parsed.path && !textFileFormat(parsed.path)) {
    throw new UnsupportedDatasetFileError(`${parsed.path} is not a text file the studio reads. Pick a .txt, .jsonl or .parquet file of ${parsed.repo}.`, { path: parsed.path });
  }
  if (text.length === 0) {
    throw new UnsupportedDatasetFileError(`${parsed.repo} has no .txt, .jsonl or .parquet file (${files.length} other file(s)). Pick another dataset or upload text instead.`, { repo: parsed.repo });
  }
  return { repo: parsed.repo, revision: sha, files: text, ...(parsed.path ? { path: parsed.path } : {}) };
}

export interface DatasetFileRequest {
  repo: string;
  /** Commit SHA from the listing. */
  revision: string;
  path: string;
  size: number;
}

/** The documents of one dataset file, read by range until `tokenBudget` tokens are collected. */
export async function readDatasetDocuments(f: DatasetFileRequest, opts: HubOptions & ReadDocumentsOptions): Promise<FileDocuments> {
  const client = hubClient(f.repo, opts, 'dataset');
  throwIfAborted(opts.signal);
  const url = `${client.hubUrl}/datasets/${f.repo}/resolve/${f.revision}/${f.path.split('/').map(encodeURIComponent).join('/')}`;
  const cacheId = /^[0-9a-f]{40}$/.test(f.revision) ? { repo: `datasets/${f.repo}`, commit: f.revision } : null;
  const reader = new HttpRangeReader(url, f.size, f.path, client.httpContext(undefined), cacheId);
  return readFileDocuments(f.path, reader, opts);
}
