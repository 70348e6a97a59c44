import { describe, expect, it } from 'vitest';
import { forwardFlops } from './flops';
import { loadFixture } from './testing/fixtures';

describe('forwardFlops', () => {
  it('counts a dense qwen2 forward by hand', () => {
    const c = loadFixture('qwen2').config; // H 32, heads 4x8, kv 2x8, I 64, V 128, 2 layers
    const T = 3;
    const perLayer = 2 * T * 32 * (32 + 32) + 2 * T * 32 * 32 + 4 * 6 * 32 + 6 * T * 32 * 64;
    expect(forwardFlops(c, T)).toBe(2 * perLayer + 2 * T * 32 * 128);
    expect(forwardFlops(c, T, { lmHead: false })).toBe(2 * perLayer);
  });

  it('MoE counts top-k experts, router and shared expert', () => {
    const c = loadFixture('qwen2_moe').config;
    const dense = forwardFlops({ ...c, moe: null, intermediateSize: 0 }, 4, { lmHead: false });
    const moe = forwardFlops(c, 4, { lmHead: false });
    const perLayer = 2 * 4 * 32 * 4 + 2 * 6 * 4 * 32 * 32 + 6 * 4 * 32 * 48 + 2 * 4 * 32;
    expect(moe - dense).toBe(2 * perLayer);
  });
});
