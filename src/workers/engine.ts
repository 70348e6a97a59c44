/**
 * The engine's request handlers, independent of where they run (a Web Worker in the browser,
 * the main thread in tests). Holds the single GpuContext and re-acquires it after a loss.
 */
import { throwIfAborted } from '../core/errors';
import { acquireGpu, type AcquireOptions } from '../gpu/device';
import type { GpuContext } from '../gpu/context';
import { ALL_PIPELINES } from '../gpu/kernels';
import { KERNEL_CASES, runKernelCase, type KernelResult } from '../gpu/testing/kernel-suite';
import type { Handlers } from './rpc';
import type { EngineApi } from './protocol';

export function createEngine(acquire: (o: AcquireOptions) => Promise<GpuContext> = acquireGpu): Partial<Handlers<EngineApi>> {
  let ctx: GpuContext | null = null;
  const gpu = async (o: AcquireOptions = {}): Promise<GpuContext> => {
    if (!ctx || ctx.isLost) {
      ctx = await acquire(o);
      await ctx.pipelines.prepare(ALL_PIPELINES);
    }
    return ctx;
  };
  return {
    async init(p) {
      return (await gpu({ featureLevel: p.featureLevel })).caps;
    },
    async kernelSuite(p, { signal, progress }) {
      const c = await gpu();
      const cases = KERNEL_CASES.filter((k) => !p.filter || k.name.includes(p.filter));
      const out: KernelResult[] = [];
      for (const [i, k] of cases.entries()) {
        throwIfAborted(signal);
        progress({ stage: 'kernels', done: i, total: cases.length, message: k.name });
        out.push(await runKernelCase(c, k));
      }
      return out;
    },
    async ping(p, { signal, progress }) {
      for (let i = 0; i < p.steps; i++) {
        throwIfAborted(signal);
        progress({ stage: 'ping', done: i, total: p.steps });
        await new Promise((r) => setTimeout(r, p.ms));
      }
      return p.steps;
    },
  };
}
