/**
 * The vocabulary union across N tokenizers by token string, for the selective embedding merge
 * (METHOD.md: a token present in several vocabularies gets the mean of their rows, a token in one
 * keeps its row, the merged tokenizer is the union). The anchor's ids are kept as they are (union
 * id = anchor id), so the anchor's tokenizer remains valid for the merged model; tokens that only
 * other sources have are appended in source order, then id order.
 *
 * Shapes: toUnion[s] has one entry per id of source s (-1 for holes); fromUnion[s] has one entry
 * per union id (-1 where source s lacks the token).
 */
import { InvalidArgumentError } from '../errors';

export interface VocabUnion {
  /** Union id -> token string. */
  tokens: string[];
  /** Per source: source id -> union id (-1 for unused ids). */
  toUnion: Int32Array[];
  /** Per source: union id -> source id (-1 when the source lacks the token). */
  fromUnion: Int32Array[];
  /** Per union id: how many sources have the token (the mean's denominator). */
  owners: Uint8Array;
  /** Tokens the anchor lacks, per source. */
  added: number[];
}

export function unionVocabularies(vocabs: readonly ReadonlyMap<string, number>[], anchor = 0): VocabUnion {
  if (vocabs.length === 0 || anchor < 0 || anchor >= vocabs.length) {
    throw new InvalidArgumentError(`anchor ${anchor} is not one of the ${vocabs.length} vocabularies; pick an anchor among the sources.`);
  }
  const byId = vocabs.map((v) => {
    let max = -1;
    for (const id of v.values()) max = Math.max(max, id);
    const arr: (string | undefined)[] = new Array<string | undefined>(max + 1);
    for (const [tok, id] of v) arr[id] = tok;
    return arr;
  });
  const tokens: string[] = [];
  const index = new Map<string, number>();
  // Anchor first, at its own ids (holes keep placeholder names that no real token uses).
  byId[anchor].forEach((tok, id) => {
    tokens[id] = tok ?? `\u0000<unused:${id}>`;
    if (tok !== undefined) index.set(tok, id);
  });
  for (let i = tokens.length; i < byId[anchor].length; i++) tokens[i] = `\u0000<unused:${i}>`;
  const added = vocabs.map(() => 0);
  const order = [anchor, ...vocabs.map((_, i) => i).filter((i) => i !== anchor)];
  for (const s of order) {
    if (s === anchor) continue;
    for (const tok of byId[s]) {
      if (tok === undefined || index.has(tok)) continue;
      index.set(tok, tokens.length);
      tokens.push(tok);
      added[s]++;
    }
  }
  const owners = new Uint8Array(tokens.length);
  const toUnion = byId.map((arr) => {
    const m = new Int32Array(arr.length).fill(-1);
    arr.forEach((tok, id) => {
      if (tok !== undefined) m[id] = index.get(tok)!;
    });
    return m;
  });
  const fromUnion = toUnion.map((m) => {
    const f = new Int32Array(tokens.length).fill(-1);
    m.forEach((u, id) => {
      if (u >= 0) {
        f[u] = id;
        owners[u]++;
      }
    });
    return f;
  });
  return { tokens, toUnion, fromUnion, owners, added };
}
