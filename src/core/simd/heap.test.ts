import { describe, expect, it } from 'vitest';
import { WasmHeap } from './heap';

describe('WasmHeap', () => {
  it('hands out aligned, disjoint blocks and reuses freed space', () => {
    const h = new WasmHeap(1 << 16);
    const a = h.alloc(10);
    const b = h.alloc(100);
    const c = h.alloc(5000);
    for (const o of [a, b, c]) expect(o % 16).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 16);
    expect(c).toBeGreaterThanOrEqual(b + 112);
    h.release(b);
    expect(h.alloc(64)).toBe(b); // first fit into the hole
    h.release(a);
    h.release(c);
    expect(h.usedBytes).toBe(64);
  });

  it('coalesces neighbours and gives the top back', () => {
    const h = new WasmHeap(1 << 16);
    const blocks = [h.alloc(32), h.alloc(32), h.alloc(32)];
    h.release(blocks[0]);
    h.release(blocks[2]);
    h.release(blocks[1]);
    expect(h.usedBytes).toBe(0);
    expect(h.alloc(96)).toBe(blocks[0]); // one block again from the start
  });

  it('grows the memory and keeps the data', () => {
    const h = new WasmHeap(1 << 16);
    const a = h.alloc(1024);
    h.f32(a, 4).set([1, 2, 3, 4]);
    const big = h.alloc(3 << 20);
    expect(h.capacityBytes).toBeGreaterThanOrEqual(big + (3 << 20));
    expect([...h.f32(a, 4)]).toEqual([1, 2, 3, 4]);
    expect(() => h.release(a + 16)).toThrow(RangeError);
  });
});
