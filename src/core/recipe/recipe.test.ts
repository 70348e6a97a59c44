import { describe, expect, it } from 'vitest';
import { canonicalJson, contentKey, sha256Hex } from './hash';
import { RecipeError, defaultRecipe, parseRecipe, recipeFromFragment, recipeToFragment, serializeRecipe, validateRecipe } from './recipe';

const sources = [
  { id: 'demo/prose', revision: 'a'.repeat(40), domain: 'prose' },
  { id: 'demo/code', revision: 'b'.repeat(40), domain: 'code' },
];

describe('content keys', () => {
  it('canonical JSON ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined, e: [3, { z: 1, y: 2 }] } })).toBe('{"a":{"d":2,"e":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('sha256 matches a known vector and content keys depend on config and inputs', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const k1 = await contentKey('align', { partial: 1 }, ['x']);
    expect(await contentKey('align', { partial: 1 }, ['x'])).toBe(k1);
    expect(await contentKey('align', { partial: 0.8 }, ['x'])).not.toBe(k1);
    expect(await contentKey('align', { partial: 1 }, ['y'])).not.toBe(k1);
  });
});

describe('recipes', () => {
  it('serialise and parse back to an equal recipe', () => {
    const r = defaultRecipe(sources, 1);
    expect(parseRecipe(serializeRecipe(r))).toEqual(JSON.parse(canonicalJson(r)));
  });
  it('travel in a URL fragment', () => {
    const r = defaultRecipe(sources);
    const f = recipeToFragment(r)!;
    expect(f.startsWith('recipe=')).toBe(true);
    expect(recipeFromFragment(`#${f}`)).toEqual(JSON.parse(canonicalJson(r)));
    expect(() => recipeFromFragment('#nothing')).toThrow(RecipeError);
    expect(() => recipeFromFragment('#recipe=AAAA')).toThrow(RecipeError);
  });
  it('reject bad input with a message that says what is wrong', () => {
    const r = defaultRecipe(sources);
    expect(() => validateRecipe({ ...r, anchor: 5 })).toThrow(/anchor 5 is not a source index/);
    expect(() => validateRecipe({ ...r, moe: { ...r.moe, topK: 3 } })).toThrow(/topK/);
    expect(() => validateRecipe({ ...r, version: 99 })).toThrow(/version 99/);
    expect(() => parseRecipe('{not json')).toThrow(/not valid JSON/);
    expect(() => validateRecipe({ ...r, sources: [{ ...sources[0], id: 'hf_abcdefghijklmnopqrstuvwxyz' }, sources[1]] })).toThrow(/access token/);
  });
});
