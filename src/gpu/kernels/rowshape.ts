/** Shared shape helper for the one-workgroup-per-row kernels (softmax, rmsnorm, reduce). */
import type { GpuTensor } from '../buffers';

/** Workgroup size of the row kernels: 64 keeps barriers cheap on software adapters. */
export const ROW_WG = 64;

export function rowsCols(x: GpuTensor): [number, number] {
  const cols = x.shape[x.shape.length - 1];
  return [x.numel / cols, cols];
}
