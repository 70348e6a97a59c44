/**
 * Row-range access to one tensor, so a large table (a 151936 x 896 embedding) can be read,
 * merged and written in row blocks instead of decoded whole. `read(start, count)` returns rows
 * [start, start + count) along the first dimension as f32, row-major [count, ...shape[1:]].
 * Checkpoints serve it by byte-range reads of the safetensors data; anything already in memory
 * serves slices (`wholeTensorRows`).
 */
import { InvalidArgumentError, throwIfAborted } from '../errors';

export interface TensorRows {
  /** Shape of the whole tensor. */
  readonly shape: readonly number[];
  read(start: number, count: number): Promise<Float32Array>;
}

/** Values per row (the product of shape[1:]; 1 for a vector). */
export function rowWidth(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Throw unless rows [start, start + count) lie inside a tensor of `rows` rows. */
export function checkRowRange(name: string, rows: number, start: number, count: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && start + count <= rows)) {
    throw new InvalidArgumentError(`rows ${start}..${start + count} of tensor ${name} were asked for, but it has ${rows} rows; the caller's shapes do not match the tensor.`);
  }
}

/** Row access to a tensor held in memory. */
export function wholeTensorRows(name: string, data: Float32Array, shape: readonly number[]): TensorRows {
  const w = rowWidth(shape);
  return {
    shape,
    read(start, count) {
      checkRowRange(name, shape[0] ?? 1, start, count);
      return Promise.resolve(data.subarray(start * w, (start + count) * w));
    },
  };
}

/** Anything that hands out whole tensors and, optionally, row ranges (a WeightProvider). */
export interface RowProvider {
  getTensor(name: string): Promise<{ data: Float32Array; shape: number[] }>;
  tensorRows?(name: string): Promise<TensorRows>;
}

/** Row access through the provider's own `tensorRows`, or over the whole tensor when it has none. */
export async function rowsOf(p: RowProvider, name: string): Promise<TensorRows> {
  if (p.tensorRows) return p.tensorRows(name);
  const t = await p.getTensor(name);
  return wholeTensorRows(name, t.data, t.shape);
}

/** The row blocks of a tensor in order, at most `maxElements` values each (at least one row). */
export async function* rowBlocks(rows: TensorRows, maxElements: number, signal?: AbortSignal): AsyncGenerator<Float32Array> {
  const n = rows.shape[0] ?? 1;
  const per = Math.max(1, Math.floor(maxElements / Math.max(1, rowWidth(rows.shape))));
  for (let s = 0; s < n; s += per) {
    throwIfAborted(signal);
    yield await rows.read(s, Math.min(per, n - s));
  }
}
