import { describe, expect, it } from 'vitest';
import type { StudioTokenizer } from '../core/tokenizer/tokenizer';
import { buildCalibration } from './calibrate';

// A character-level tokenizer is enough to test windowing and the equal share.
const chars = [...'abcdefghijklmnopqrstuvwxyz .'];
const tok: StudioTokenizer = {
  label: 'chars',
  vocab: new Map([...chars.map((c, i) => [c, i] as [string, number]), ['<|endoftext|>', chars.length]]),
  vocabSize: chars.length + 1,
  encode: (t) => [...t].map((c) => Math.max(0, chars.indexOf(c))),
  decode: (ids) => ids.map((i) => chars[i] ?? '').join(''),
  tokenToId: (t) => (t === '<|endoftext|>' ? chars.length : chars.indexOf(t) >= 0 ? chars.indexOf(t) : undefined),
  idToToken: (i) => chars[i],
};

describe('calibration windows', () => {
  it('cuts equal shares per domain, separated by end-of-text, with a stable content hash', async () => {
    const doms = [
      { name: 'prose', documents: ['the whale swam far away.', 'call me ishmael.'] },
      { name: 'math', documents: ['one plus one is two. two plus two is four. '.repeat(5)] },
    ];
    const c = await buildCalibration(tok, doms, 1000, 8);
    const perDomain = [0, 1].map((d) => c.domainOf.filter((x) => x === d).length);
    expect(perDomain[0]).toBe(perDomain[1]);
    expect(c.domains[0].tokens).toBe(perDomain[0] * 8);
    expect(c.windows.every((w) => w.length === 8)).toBe(true);
    expect(c.windows[0].length).toBe(8);
    // 24 + 1 (eot) + 16 + 1 = 42 prose tokens -> 5 windows; math has more but is trimmed to 5.
    expect(perDomain[0]).toBe(5);
    expect([...c.windows[3]]).toContain(chars.length);
    expect((await buildCalibration(tok, doms, 1000, 8)).contentHash).toBe(c.contentHash);
  });

  it('says what to do when a domain is too short', async () => {
    await expect(buildCalibration(tok, [{ name: 'tiny', documents: ['ab'] }], 100, 8)).rejects.toThrow(/fewer than 8 tokens/);
    await expect(buildCalibration(tok, [], 100, 8)).rejects.toThrow(/at least one domain/);
  });
});
