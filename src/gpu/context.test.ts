import { describe, expect, it } from 'vitest';
import { grid2d, params } from './context';
import { sizeClass } from './buffers';
import { pipelineKeyString } from './pipelines';
import { looksSoftware } from './capabilities';
import { shaderNames, shaderSource } from './shaders';

describe('GPU runtime helpers (no device needed)', () => {
  it('grid2d covers every workgroup within the per-dimension limit', () => {
    for (const g of [1, 100, 65535, 65536, 1_000_000]) {
      const [x, y] = grid2d(g, 65535);
      expect(x).toBeLessThanOrEqual(65535);
      expect(x * y).toBeGreaterThanOrEqual(g);
    }
  });
  it('params encodes u32 / i32 / f32 words padded to 16 bytes', () => {
    const b = params([{ u: 7 }, { f: 1.5 }, { i: -2 }]);
    expect(b.byteLength).toBe(16);
    const dv = new DataView(b);
    expect([dv.getUint32(0, true), dv.getFloat32(4, true), dv.getInt32(8, true)]).toEqual([7, 1.5, -2]);
  });
  it('size classes are monotone and at least the request', () => {
    let prev = 0;
    for (const n of [1, 17, 4096, 5000, 70e6, 200e6]) {
      const s = sizeClass(n);
      expect(s).toBeGreaterThanOrEqual(n);
      expect(s).toBeGreaterThanOrEqual(prev);
      prev = s;
    }
  });
  it('pipeline keys do not depend on constant order', () => {
    expect(pipelineKeyString({ shader: 'a', constants: { X: 1, Y: 2 } })).toBe(pipelineKeyString({ shader: 'a', constants: { Y: 2, X: 1 } }));
  });
  it('recognises software adapters', () => {
    expect(looksSoftware({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toBe(true);
    expect(looksSoftware({ vendor: 'nvidia', architecture: 'hopper', device: '', description: '' })).toBe(false);
  });
  it('every shader resolves its includes', () => {
    expect(shaderNames()).toContain('matmul');
    for (const n of shaderNames()) {
      const src = shaderSource(n);
      expect(src).not.toMatch(/\/\/!include/);
    }
    expect(shaderSource('softmax')).toContain('fn wg_sum');
  });
});
