// Tokenizer glue (encode/decode through @huggingface/tokenizers), typed parse errors, and the
// vocabulary union with its id maps.
import { describe, expect, it } from 'vitest';
import { byteLevelBpeTokenizer, FIXTURE_WORDS } from '../testing/fixture-models';
import { loadTokenizer, TokenizerParseError } from './tokenizer';
import { unionVocabularies } from './vocab-union';

describe('tokenizer', () => {
  const tok = loadTokenizer(JSON.stringify(byteLevelBpeTokenizer(FIXTURE_WORDS)), '{}', 'fixture');
  // Golden ids: the Python `tokenizers` library (0.23) gives the same ids for this tokenizer.json.
  const golden: [string, number[]][] = [
    ['Hello world', [273, 278]],
    [' the cat sat on the mat', [258, 261, 264, 266, 258, 269]],
    ['def f(x): return x + 1 = 2 é漢<|endoftext|>', [100, 101, 102, 32, 102, 40, 120, 41, 58, 287, 288, 289, 290, 291, 292, 32, 195, 169, 230, 188, 162, 293]],
  ];
  for (const [text, ids] of golden) {
    it(`encodes and decodes ${JSON.stringify(text)}`, () => {
      expect(tok.encode(text)).toEqual(ids);
      expect(tok.decode(ids)).toBe(text);
    });
  }
  it('exposes the vocabulary with added tokens', () => {
    expect(tok.vocabSize).toBe(294);
    expect(tok.vocab.get('<|endoftext|>')).toBe(293);
    expect(tok.tokenToId('Ġcat')).toBe(261);
    expect(tok.idToToken(273)).toBe('Hello');
    expect(tok.decode([273, 293], { skipSpecialTokens: true })).toBe('Hello');
  });
  it('a tokenizer.json that does not parse is a typed error that says what to do', () => {
    const bad = (input: string | object) => () => loadTokenizer(input, undefined, 'org/broken');
    expect(bad('{"model": {"type": "BPE", "vocab": ')).toThrow(TokenizerParseError);
    expect(bad('{"model": {"type": "BPE", "vocab": ')).toThrow(/org\/broken: tokenizer.json is not valid JSON.*Re-download/);
    expect(bad('[1, 2]')).toThrow(/not a JSON object/);
    expect(bad({ version: '1.0' })).toThrow(/no model.vocab/);
    expect(bad({ model: { type: 'Nope', vocab: {} } })).toThrow(/could not be built/);
    expect(() => loadTokenizer(byteLevelBpeTokenizer(['a']), '{oops', 'x')).toThrow(/tokenizer_config.json is not valid JSON/);
  });
});

describe('vocabulary union', () => {
  const a = new Map([['a', 0], ['b', 1], ['c', 2]]);
  const b = new Map([['c', 0], ['d', 1], ['a', 2]]);
  const c = new Map([['e', 0], ['d', 1], ['<pad>', 3]]);
  it('keeps the anchor ids, appends the rest, and maps both ways', () => {
    const u = unionVocabularies([a, b, c]);
    expect(u.tokens.slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(u.tokens.slice(3)).toEqual(['d', 'e', '<pad>']);
    expect([...u.toUnion[1]]).toEqual([2, 3, 0]);
    expect([...u.toUnion[2]]).toEqual([4, 3, -1, 5]);
    expect([...u.fromUnion[0]]).toEqual([0, 1, 2, -1, -1, -1]);
    expect([...u.fromUnion[1]]).toEqual([2, -1, 0, 1, -1, -1]);
    expect([...u.owners]).toEqual([2, 1, 2, 2, 1, 1]);
    expect(u.added).toEqual([0, 1, 2]);
  });
  it('another anchor keeps its own ids; maps are inverse of each other', () => {
    const u = unionVocabularies([a, b, c], 1);
    expect(u.tokens.slice(0, 3)).toEqual(['c', 'd', 'a']);
    for (let s = 0; s < 3; s++) u.toUnion[s].forEach((x, id) => x >= 0 && expect(u.fromUnion[s][x]).toBe(id));
    expect(() => unionVocabularies([a], 2)).toThrow(/anchor 2/);
  });
  it('unions real tokenizers by token string', () => {
    const t1 = loadTokenizer(byteLevelBpeTokenizer([' the', ' cat']));
    const t2 = loadTokenizer(byteLevelBpeTokenizer([' the', ' dog', ' cat']));
    const u = unionVocabularies([t1.vocab, t2.vocab]);
    const id = (t: string) => u.tokens.indexOf(t);
    expect(u.fromUnion[0][id('Ġdog')]).toBe(-1);
    expect(u.fromUnion[1][id('Ġdog')]).toBe(t2.tokenToId('Ġdog'));
    expect(u.fromUnion[1][id('Ġcat')]).toBe(t2.tokenToId('Ġcat'));
    expect(u.fromUnion[0][id('Ġcat')]).toBe(t1.tokenToId('Ġcat'));
    expect(u.tokens.length).toBe(t1.vocab.size + 3);
  });
});
