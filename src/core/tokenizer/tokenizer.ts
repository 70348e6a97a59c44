/**
 * Tokenizer glue over @huggingface/tokenizers (pure JS, same ids as the Rust `tokenizers`):
 * load a `tokenizer.json` (+ optional `tokenizer_config.json`), encode and decode, and expose the
 * vocabulary (token string -> id, added tokens included) for the vocabulary union.
 * A tokenizer.json that does not parse, or that the library cannot build, is a TokenizerParseError.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { StudioError, registerError } from '../errors';

export class TokenizerParseError extends StudioError {
  override readonly code = 'TOKENIZER_PARSE';
}
registerError('TOKENIZER_PARSE', TokenizerParseError);

export interface StudioTokenizer {
  readonly label: string;
  /** token string -> id, added/special tokens included. */
  readonly vocab: ReadonlyMap<string, number>;
  /** 1 + the largest id (ids may have holes). */
  readonly vocabSize: number;
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[], opts?: { skipSpecialTokens?: boolean }): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
}

function parseJson(input: string | object | undefined, what: string, label: string): Record<string, unknown> | undefined {
  if (input === undefined) return undefined;
  let obj: unknown = input;
  if (typeof input === 'string') {
    try {
      obj = JSON.parse(input);
    } catch (e) {
      throw new TokenizerParseError(`${label}: ${what} is not valid JSON (${(e as Error).message}). Re-download the model's tokenizer files or pick another revision.`, {
        source: label,
        file: what,
      });
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new TokenizerParseError(`${label}: ${what} is not a JSON object. Re-download the model's tokenizer files.`, { source: label, file: what });
  }
  return obj as Record<string, unknown>;
}

/** Build a tokenizer from tokenizer.json text or object; `label` names the source in errors. */
export function loadTokenizer(tokenizerJson: string | object, tokenizerConfig?: string | object, label = 'tokenizer'): StudioTokenizer {
  const tj = parseJson(tokenizerJson, 'tokenizer.json', label)!;
  const tc = parseJson(tokenizerConfig, 'tokenizer_config.json', label) ?? {};
  const model = tj.model as { type?: unknown; vocab?: unknown } | undefined;
  if (typeof model !== 'object' || model === null || typeof model.vocab !== 'object' || model.vocab === null) {
    throw new TokenizerParseError(`${label}: tokenizer.json has no model.vocab; it is not a Hugging Face tokenizers file. Use the model's tokenizer.json (not tokenizer.model or vocab.txt).`, {
      source: label,
    });
  }
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(tj, tc);
  } catch (e) {
    throw new TokenizerParseError(`${label}: tokenizer.json could not be built (${(e as Error).message}). The file is corrupt or uses a feature the tokenizer library lacks; pick another revision.`, {
      source: label,
    });
  }
  const vocab = tok.get_vocab(true);
  let maxId = -1;
  for (const id of vocab.values()) if (id > maxId) maxId = id;
  return {
    label,
    vocab,
    vocabSize: maxId + 1,
    encode: (text, opts) => tok.encode(text, { add_special_tokens: opts?.addSpecialTokens ?? false }).ids,
    decode: (ids, opts) => tok.decode([...ids], { skip_special_tokens: opts?.skipSpecialTokens ?? false }),
    tokenToId: (t) => tok.token_to_id(t),
    idToToken: (id) => tok.id_to_token(id),
  };
}
