// The gpu-node test files' shared setup: one GpuContext on Dawn per file, acquired before the
// file's tests (handed to `ready`, which may prepare more on it) and destroyed after them.
import { afterAll, beforeAll } from 'vitest';
import type { GpuContext } from '../context';
import { acquireNodeGpu, releaseNodeGpu } from '../node';

export function useNodeGpu(ready: (ctx: GpuContext) => void | Promise<void>): void {
  let ctx: GpuContext | undefined;
  beforeAll(async () => {
    ctx = await acquireNodeGpu();
    await ready(ctx);
  });
  afterAll(() => {
    ctx?.destroy();
    releaseNodeGpu();
  });
}
