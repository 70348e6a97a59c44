// Tiled online-softmax attention against the textbook softmax(QK^T)V oracle.
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { maxAbsDiff } from '../testing/compare';
import { attention, attentionNaive } from './attention';
import type { AttentionOptions } from '../backend';

function opts(o: Partial<AttentionOptions> = {}): AttentionOptions {
  return { nHeads: 4, nKvHeads: 2, headDim: 8, queryOffset: 0, slidingWindow: null, scale: 8 ** -0.5, ...o };
}

function inputs(seed: number, tq: number, tk: number, o: AttentionOptions, amp = 1) {
  const r = new Rng(seed);
  return {
    q: r.uniformArray(tq * o.nHeads * o.headDim, -amp, amp),
    k: r.uniformArray(tk * o.nKvHeads * o.headDim, -amp, amp),
    v: r.uniformArray(tk * o.nKvHeads * o.headDim),
  };
}

describe('attention (tiled, online softmax)', () => {
  it.each([1, 3, 7, 32, 100])('equals the naive form for tile %i', (tile) => {
    const o = opts();
    const { q, k, v } = inputs(1, 37, 37, o);
    expect(maxAbsDiff(attention(q, k, v, 37, 37, o, tile), attentionNaive(q, k, v, 37, 37, o))).toBeLessThan(1e-6);
  });

  it('handles multi-query (1 kv head), a sliding window and a query offset (KV cache)', () => {
    for (const o of [opts({ nKvHeads: 1 }), opts({ slidingWindow: 5 }), opts({ queryOffset: 20 }), opts({ queryOffset: 20, slidingWindow: 3 })]) {
      const tq = 9;
      const tk = o.queryOffset + tq;
      const { q, k, v } = inputs(2, tq, tk, o);
      expect(maxAbsDiff(attention(q, k, v, tq, tk, o, 4), attentionNaive(q, k, v, tq, tk, o))).toBeLessThan(1e-6);
    }
  });

  it('is numerically stable for large scores', () => {
    const o = opts({ scale: 1 });
    const { q, k, v } = inputs(3, 16, 16, o, 30); // scores up to ~7000: exp overflows without max-subtraction
    const y = attention(q, k, v, 16, 16, o, 4);
    expect(y.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(y, attentionNaive(q, k, v, 16, 16, o))).toBeLessThan(1e-5);
  });

  it('is causal: row i does not depend on keys/values after i', () => {
    const o = opts();
    const { q, k, v } = inputs(4, 12, 12, o);
    const base = attention(q, k, v, 12, 12, o);
    const k2 = k.slice();
    const v2 = v.slice();
    const w = o.nKvHeads * o.headDim;
    for (let i = 8 * w; i < k2.length; i++) {
      k2[i] += 5;
      v2[i] -= 3;
    }
    const y = attention(q, k2, v2, 12, 12, o);
    const qw = o.nHeads * o.headDim;
    expect(maxAbsDiff(y.subarray(0, 8 * qw), base.subarray(0, 8 * qw))).toBe(0);
    expect(maxAbsDiff(y.subarray(8 * qw), base.subarray(8 * qw))).toBeGreaterThan(1e-3);
  });

  it('the first query row returns its own value row (a single visible key)', () => {
    const o = opts({ nKvHeads: 4 });
    const { q, k, v } = inputs(5, 3, 3, o);
    const y = attention(q, k, v, 3, 3, o);
    expect(maxAbsDiff(y.subarray(0, 32), v.subarray(0, 32))).toBeLessThan(1e-7);
  });
});
