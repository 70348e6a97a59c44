// The WebAssembly SIMD backend's matrix products against the f64 CPU reference on shapes that hit
// every tile edge (rows % 4, odd columns, k not a multiple of 4), with bias, residual and scale;
// SwiGLU; the LM head's chunked NLL; weights kept in the heap until released.
import { describe, expect, it } from 'vitest';
import { CpuBackend, CpuTensor } from '../cpu-backend';
import { InvalidArgumentError } from '../errors';
import { maxAbsDiff } from '../testing/compare';
import { Rng } from '../rng';
import { SimdMemoryError } from './heap';
import { SimdCpuBackend, simdSupported } from './simd-backend';

const rng = new Rng(7);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
const t = (shape: number[]): CpuTensor => new CpuTensor(rand(shape.reduce((a, b) => a * b, 1)), shape);

describe('SimdCpuBackend', () => {
  it('runs here (WebAssembly SIMD is available)', () => {
    expect(simdSupported()).toBe(true);
  });

  for (const fused of [false, true]) {
    const label = fused ? 'fused multiply-add' : 'multiply + add';
    it(`linear matches the reference on every tile edge (${label})`, async () => {
      let be: SimdCpuBackend;
      try {
        be = await SimdCpuBackend.create({ fused });
      } catch (e) {
        // Node 20's V8 keeps relaxed SIMD behind a flag; Chromium runs this variant (e2e/kernels.spec.ts).
        expect(fused).toBe(true);
        expect(e).toBeInstanceOf(WebAssembly.CompileError);
        return;
      }
      const ref = new CpuBackend();
      let worst = 0;
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [4, 8, 2], [5, 13, 3], [9, 64, 17], [16, 36, 33], [33, 130, 65]]) {
        const x = t([m, k]);
        const w = t([n, k]);
        const bias = t([n]);
        const res = t([m, n]);
        for (const [b, r, s] of [[null, null, 1], [bias, null, 1], [null, res, 0.37], [bias, res, 1], [bias, res, -2]] as const) {
          const a = await ref.linear(x, w, b, r, s);
          const y = await be.linear(x, w, b, r, s);
          expect(y.shape).toEqual([m, n]);
          worst = Math.max(worst, maxAbsDiff(a.data, y.data) / Math.sqrt(k));
        }
        be.release(w);
      }
      expect(worst).toBeLessThanOrEqual(2e-6);
      expect(be.residentWeightBytes).toBe(0);
    });
  }

  it('swiglu and the chunked LM-head NLL match the reference', async () => {
    const be = await SimdCpuBackend.create();
    const ref = new CpuBackend();
    const x = t([7, 24]);
    const [g, u] = [t([40, 24]), t([40, 24])];
    expect(maxAbsDiff((await ref.swiglu(x, g, u)).data, (await be.swiglu(x, g, u)).data)).toBeLessThanOrEqual(1e-5);
    const head = t([101, 24]);
    const targets = Int32Array.of(0, 100, 5, -1, 50, 99, 3);
    for (const chunk of [7, 32, 8192]) {
      const a = await ref.lmHeadNll(x, head, targets, { vocabChunk: chunk });
      const b = await be.lmHeadNll(x, head, targets, { vocabChunk: chunk });
      expect(Number.isNaN(b[3])).toBe(true);
      for (let i = 0; i < a.length; i++) if (i !== 3) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-5);
    }
    expect(be.residentWeightBytes).toBe((40 * 24 * 2 + 101 * 24) * 4);
    be.release(g, u, head, x);
    expect(be.residentWeightBytes).toBe(0);
  });

  it('a weight stays in the heap across calls and shape errors are typed', async () => {
    const be = await SimdCpuBackend.create();
    const w = t([10, 6]);
    await be.linear(t([2, 6]), w);
    await be.linear(t([3, 6]), w);
    expect(be.residentWeightBytes).toBe(10 * 8 * 4); // rows padded to k = 8
    await expect(be.linear(t([2, 5]), w)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(be.swiglu(t([2, 6]), w, t([9, 6]))).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(be.describe()).toMatch(/WebAssembly SIMD/);
  });

  it('a full heap evicts cached weights not in use; what cannot fit is a typed error', async () => {
    const be = await SimdCpuBackend.create({ maxHeapBytes: 1 << 20 });
    const ref = new CpuBackend();
    const x = t([3, 256]);
    const ws = [t([300, 256]), t([300, 256]), t([300, 256])]; // 300 KiB each
    for (const round of [0, 1]) {
      for (const w of ws) {
        expect(maxAbsDiff((await ref.linear(x, w)).data, (await be.linear(x, w)).data), `round ${round}`).toBeLessThanOrEqual(1e-5);
      }
      expect(be.residentWeightBytes).toBeLessThanOrEqual(1 << 20);
    }
    const [g, u] = [t([400, 256]), t([400, 256])]; // both needed at once: 800 KiB of 1 MiB
    const a = (await ref.swiglu(x, g, u)).data;
    expect(maxAbsDiff(a, (await be.swiglu(x, g, u)).data) / Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(1e-6);
    const huge = t([1200, 256]);
    const err = await be.linear(x, huge).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimdMemoryError);
    expect((err as Error).message).toMatch(/smaller model or the WebGPU backend/);
    expect(maxAbsDiff((await ref.linear(x, ws[0])).data, (await be.linear(x, ws[0])).data)).toBeLessThanOrEqual(1e-5);
  });
});
