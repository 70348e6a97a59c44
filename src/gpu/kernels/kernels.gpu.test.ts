// The kernel contract in Node: every kernel against its CPU reference on WebGPU (Dawn).
import { describe, expect, it } from 'vitest';
import type { GpuContext } from '../context';
import { acquireNodeGpu } from '../node';
import { useNodeGpu } from '../testing/node-gpu';
import { KERNEL_CASES, runKernelCase } from '../testing/kernel-suite';
import { ALL_PIPELINES } from './index';
import { matmul } from './matmul';
import { compareArrays } from '../../core/testing/compare';
import { matmul as refMatmul } from '../../core/ref/matmul';
import { Rng } from '../../core/rng';
import { DeviceLostError, GpuValidationError } from '../errors';

let ctx: GpuContext;

useNodeGpu(async (c) => {
  ctx = c;
  await ctx.pipelines.prepare(ALL_PIPELINES);
});

describe('kernels match their CPU references on WebGPU (Node)', () => {
  it('compiles every pipeline ahead of use', () => {
    expect(ctx.pipelines.size).toBe(ALL_PIPELINES.length);
  });

  for (const c of KERNEL_CASES) {
    it(c.name, async () => {
      const r = await runKernelCase(ctx, c);
      expect(r.ok, r.message).toBe(true);
      expect(r.n).toBeGreaterThan(0);
    });
  }

  it('the comparator catches a wrong result (one corrupted element)', async () => {
    const rng = new Rng(99);
    const a = rng.uniformArray(17 * 9);
    const b = rng.uniformArray(9 * 5);
    const ta = ctx.upload(a, [17, 9], 'a');
    const tb = ctx.upload(b, [9, 5], 'b');
    const bt = ctx.batch();
    const c = await matmul(ctx, bt, ta, tb);
    bt.submit();
    const got = await ctx.read(c);
    const ref = refMatmul(a, b, 17, 9, 5);
    expect(compareArrays(got, ref, { atol: 1e-4, rtol: 1e-4 }).ok).toBe(true);
    got[40] += 1e-3;
    const bad = compareArrays(got, ref, { atol: 1e-4, rtol: 1e-4 });
    expect(bad.ok).toBe(false);
    expect(bad.worstIndex).toBe(40);
    // A transposed-B result for a non-transposed problem is caught as well.
    const wrong = refMatmul(a, b, 17, 9, 5).reverse();
    expect(compareArrays(got, wrong, { atol: 1e-4, rtol: 1e-4 }).ok).toBe(false);
    ctx.release(ta, tb, c);
  });
});

describe('runtime errors on a real device', () => {
  it('an invalid command surfaces as GpuValidationError at the next readback', async () => {
    const c = await acquireNodeGpu();
    const t = c.upload(new Float32Array(4), [4], 't');
    // Binding one buffer both read-only and read-write in one dispatch is invalid.
    const b = c.batch();
    await b.add({ label: 'alias', pipeline: { shader: 'elementwise', constants: { OP: 0, WG: 256 } }, bindings: [t.buffer, t.buffer, t.buffer], uniforms: new ArrayBuffer(16), workgroups: [1] });
    b.submit();
    await expect(c.read(t)).rejects.toBeInstanceOf(GpuValidationError);
    c.destroy();
  });

  it('a lost device surfaces DeviceLostError, and a new device works again', async () => {
    const c = await acquireNodeGpu();
    c.device.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(c.isLost).toBe(true);
    expect(() => c.tensor([4], 'x')).toThrow(DeviceLostError);
    const again = await acquireNodeGpu();
    const r = await runKernelCase(again, KERNEL_CASES[1]);
    expect(r.ok).toBe(true);
    again.destroy();
  });
});
