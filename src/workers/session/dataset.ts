/**
 * Calibration text from a Hub dataset: list a dataset's text files, then read one file's
 * documents until the domain's token budget is met, counting tokens with the anchor's tokenizer
 * (an estimate of 4 characters per token before any source is loaded). Downloads go through the
 * session's download cache.
 */
import { listDatasetFiles, readDatasetDocuments } from '../../io/hub-dataset';
import type { ProgressEvent } from '../protocol';
import type { HandlerContext } from '../rpc';
import type { DatasetDocuments, DatasetDocumentsRequest, DatasetFilesRequest, DatasetListing } from '../studio-types';
import type { StudioSession } from './state';

export function datasetFiles(p: DatasetFilesRequest, ctx: HandlerContext<never>): Promise<DatasetListing> {
  return listDatasetFiles(p.ref, { hubUrl: p.hubUrl, accessToken: p.token, signal: ctx.signal });
}

export async function datasetDocuments(s: StudioSession, p: DatasetDocumentsRequest, ctx: HandlerContext<ProgressEvent>): Promise<DatasetDocuments> {
  const tokenizer = s.sources.length ? s.sources[s.anchor].tokenizer : null;
  const countTokens = tokenizer ? (t: string) => tokenizer.encode(t, { addSpecialTokens: false }).length : (t: string) => Math.ceil(t.length / 4);
  const unit = p.path.endsWith('.parquet') ? 'row groups' : 'bytes';
  const r = await readDatasetDocuments(p, {
    hubUrl: p.hubUrl, accessToken: p.token, cache: s.deps.cache, signal: ctx.signal,
    column: p.column, tokenBudget: p.tokenBudget, countTokens,
    onRead: (done, total) => ctx.progress({ stage: 'dataset', done, total, message: `${p.path}: ${done} of ${total} ${unit}` }),
  });
  return { ...r, exactTokens: tokenizer !== null };
}
