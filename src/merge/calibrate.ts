/**
 * Calibration stage: turn per-domain text into fixed-length token windows with an equal share
 * of tokens from each domain (METHOD.md section 2). Documents are tokenized one by one and
 * concatenated with the end-of-text token between them when the tokenizer has one, then cut
 * into windows of `seqLen` tokens (a trailing partial window is dropped). The content hash of
 * all windows goes into the recipe so a merge records exactly what it was calibrated on.
 */
import { InvalidArgumentError, throwIfAborted } from '../core/errors';
import { sha256Hex } from '../core/recipe/hash';
import type { StudioTokenizer } from '../core/tokenizer/tokenizer';

export interface CalibrationDomain {
  name: string;
  documents: readonly string[];
}

export interface CalibrationSet {
  seqLen: number;
  windows: Int32Array[];
  /** Index into `domains` of each window. */
  domainOf: number[];
  domains: { name: string; tokens: number; available: number }[];
  contentHash: string;
}

const EOT_CANDIDATES = ['<|endoftext|>', '</s>', '<|end_of_text|>', '<eos>'];

export function endOfTextId(tok: StudioTokenizer): number | undefined {
  for (const t of EOT_CANDIDATES) {
    const id = tok.tokenToId(t);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** Tokenize a domain's documents into one stream, stopping once `limit` tokens are reached. */
export function tokenStream(tok: StudioTokenizer, docs: readonly string[], limit: number): Int32Array {
  const eot = endOfTextId(tok);
  const out: number[] = [];
  for (const d of docs) {
    if (out.length >= limit) break;
    const ids = tok.encode(d, { addSpecialTokens: false });
    for (const id of ids) out.push(id);
    if (eot !== undefined) out.push(eot);
  }
  return Int32Array.from(out.slice(0, limit));
}

export async function buildCalibration(
  tok: StudioTokenizer, domains: readonly CalibrationDomain[], tokensPerDomain: number, seqLen: number, signal?: AbortSignal,
): Promise<CalibrationSet> {
  if (domains.length === 0) throw new InvalidArgumentError('Calibration needs at least one domain with text.');
  if (!(seqLen >= 2)) throw new InvalidArgumentError('The calibration sequence length must be at least 2 tokens.');
  const windows: Int32Array[] = [];
  const domainOf: number[] = [];
  const stats: CalibrationSet['domains'] = [];
  domains.forEach((d, i) => {
    throwIfAborted(signal);
    const stream = tokenStream(tok, d.documents, tokensPerDomain);
    const n = Math.floor(stream.length / seqLen);
    if (n === 0) {
      throw new InvalidArgumentError(`Domain "${d.name}" has fewer than ${seqLen} tokens of text; add text or lower the sequence length.`);
    }
    for (let w = 0; w < n; w++) {
      windows.push(stream.slice(w * seqLen, (w + 1) * seqLen));
      domainOf.push(i);
    }
    stats.push({ name: d.name, tokens: n * seqLen, available: stream.length });
  });
  // Equal share: trim every domain to the smallest one's window count.
  const minWindows = Math.min(...stats.map((s) => s.tokens / seqLen));
  const keep: number[] = [];
  const seen = new Array<number>(domains.length).fill(0);
  domainOf.forEach((d, i) => {
    if (seen[d]++ < minWindows) keep.push(i);
  });
  const kept = keep.map((i) => windows[i]);
  const keptDomains = keep.map((i) => domainOf[i]);
  stats.forEach((s) => (s.tokens = minWindows * seqLen));
  const all = new Int32Array(kept.length * seqLen);
  kept.forEach((w, i) => all.set(w, i * seqLen));
  const contentHash = await sha256Hex(new Uint8Array(all.buffer));
  return { seqLen, windows: kept, domainOf: keptDomains, domains: stats, contentHash };
}
