import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { maxAbsDiff } from '../testing/compare';
import { cosine, linearMean, slerp, sphericalMean } from './interpolate';
import { selectiveEmbeddings } from './embeddings';
import { unionVocabularies } from '../tokenizer/vocab-union';

const unionVocab = (vs: string[][]) => {
  const u = unionVocabularies(vs.map((v) => new Map(v.map((t, i) => [t, i]))));
  return { tokens: u.tokens, idMaps: u.fromUnion };
};

const rng = new Rng(11);
const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const unit = (a: Float32Array) => Float32Array.from(a, (v) => v / norm(a));

describe('slerp', () => {
  it('returns the endpoints at t = 0 and t = 1', () => {
    const a = rng.normalArray(50);
    const b = rng.normalArray(50);
    expect(maxAbsDiff(slerp(a, b, 0), a)).toBeLessThan(1e-6);
    expect(maxAbsDiff(slerp(a, b, 1), b)).toBeLessThan(1e-6);
  });
  it('keeps the norm of unit vectors and moves along the great circle', () => {
    const a = unit(rng.normalArray(64));
    const b = unit(rng.normalArray(64));
    for (const t of [0.1, 0.25, 0.5, 0.9]) {
      const s = slerp(a, b, t);
      expect(norm(s)).toBeCloseTo(1, 5);
      const omega = Math.acos(cosine(a, b));
      expect(Math.acos(Math.min(1, cosine(a, s)))).toBeCloseTo(t * omega, 4);
    }
  });
  it('falls back to linear interpolation for nearly parallel tensors', () => {
    const a = rng.normalArray(32);
    const b = Float32Array.from(a, (v) => v * 2 + 1e-6);
    expect(maxAbsDiff(slerp(a, b, 0.3), linearMean([a, b], [0.7, 0.3]))).toBeLessThan(1e-6);
  });
  it('rejects t outside [0, 1] and mismatched sizes', () => {
    expect(() => slerp(new Float32Array(2), new Float32Array(2), 1.5)).toThrow(/t must lie/);
    expect(() => slerp(new Float32Array(2), new Float32Array(3), 0.5)).toThrow(/not mergeable/);
  });
});

describe('N-model means', () => {
  it('the spherical and linear means of identical tensors return the tensor', () => {
    const a = rng.normalArray(40);
    expect(maxAbsDiff(sphericalMean([a, a, a]), a)).toBeLessThan(1e-6);
    expect(maxAbsDiff(linearMean([a, a, a], [1, 2, 3]), a)).toBeLessThan(1e-6);
  });
  it('the two-model spherical mean with equal weights equals slerp at t = 0.5 for equal norms', () => {
    const a = unit(rng.normalArray(40));
    const b = unit(rng.normalArray(40));
    expect(maxAbsDiff(sphericalMean([a, b]), slerp(a, b, 0.5))).toBeLessThan(1e-5);
  });
  it('has the weighted mean norm and a weight of zero ignores a tensor', () => {
    const a = rng.normalArray(30);
    const b = Float32Array.from(rng.normalArray(30), (v) => v * 3);
    const m = sphericalMean([a, b], [1, 1]);
    expect(norm(m)).toBeCloseTo((norm(a) + norm(b)) / 2, 4);
    expect(maxAbsDiff(sphericalMean([a, b], [1, 0]), a)).toBeLessThan(1e-5);
  });
});

describe('selective embeddings', () => {
  const H = 3;
  const rows = (n: number) => rng.normalArray(n * H);

  it('identical vocabularies give the row-wise mean', () => {
    const u = unionVocab([['a', 'b'], ['a', 'b']]);
    const e0 = rows(2);
    const e1 = rows(2);
    const m = selectiveEmbeddings([e0, e1], H, u.idMaps);
    expect(maxAbsDiff(m, linearMean([e0, e1]))).toBeLessThan(1e-6);
  });

  it('disjoint vocabularies keep every row as it was', () => {
    const u = unionVocab([['a', 'b'], ['c']]);
    expect(u.tokens).toEqual(['a', 'b', 'c']);
    const e0 = rows(2);
    const e1 = rows(1);
    const m = selectiveEmbeddings([e0, e1], H, u.idMaps);
    expect(maxAbsDiff(m.subarray(0, 2 * H), e0)).toBe(0);
    expect(maxAbsDiff(m.subarray(2 * H), e1)).toBe(0);
  });

  it('overlapping vocabularies average shared tokens only, matched by string not id', () => {
    const u = unionVocab([['a', 'b', 'c'], ['c', 'x', 'a']]);
    expect(u.tokens).toEqual(['a', 'b', 'c', 'x']);
    const e0 = rows(3);
    const e1 = rows(3);
    const m = selectiveEmbeddings([e0, e1], H, u.idMaps);
    for (let h = 0; h < H; h++) {
      expect(m[0 * H + h]).toBeCloseTo((e0[0 * H + h] + e1[2 * H + h]) / 2, 6); // 'a'
      expect(m[1 * H + h]).toBeCloseTo(e0[1 * H + h], 6); // 'b' only in source 0
      expect(m[2 * H + h]).toBeCloseTo((e0[2 * H + h] + e1[0 * H + h]) / 2, 6); // 'c'
      expect(m[3 * H + h]).toBeCloseTo(e1[1 * H + h], 6); // 'x' only in source 1
    }
  });
});
