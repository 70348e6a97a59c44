/**
 * Buffer pool and the GpuTensor handle. Storage buffers are recycled by size class (powers of
 * two up to 64 MiB, then 16 MiB steps) so that a forward pass does not allocate per dispatch.
 * Every buffer carries a label. Sizes above the device's binding limit raise LimitExceededError.
 */
import { LimitExceededError } from './errors';

// STORAGE | COPY_SRC | COPY_DST (fixed by the WebGPU spec).
export const STORAGE_USAGE = 0x80 | 0x04 | 0x08;


export interface GpuTensor {
  readonly buffer: GPUBuffer;
  readonly shape: readonly number[];
  /** Number of f32 elements. */
  readonly numel: number;
}

export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function sizeClass(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes / 4) * 4);
  if (b <= 64 * 1024 * 1024) return 2 ** Math.ceil(Math.log2(b));
  const step = 16 * 1024 * 1024;
  return Math.ceil(b / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private live = 0;
  private liveBytes = 0;
  /** Buffers created because no free one of the size class was pooled. */
  misses = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBinding: number,
  ) {}

  /** A storage buffer of at least `bytes` bytes (contents undefined). */
  acquire(bytes: number, label: string): GPUBuffer {
    if (bytes > this.maxBinding) {
      throw new LimitExceededError(
        `${label} needs ${(bytes / 2 ** 20).toFixed(1)} MiB in one binding, more than this adapter's ` +
          `maxStorageBufferBindingSize of ${(this.maxBinding / 2 ** 20).toFixed(0)} MiB. Use a smaller ` +
          'batch or sequence length, or a GPU with larger limits.',
        { label, bytes, limit: this.maxBinding },
      );
    }
    const size = Math.min(sizeClass(bytes), Math.max(this.maxBinding - (this.maxBinding % 4), Math.ceil(bytes / 4) * 4));
    const list = this.free.get(size);
    let buf = list?.pop();
    if (!buf) {
      buf = this.device.createBuffer({ label, size, usage: STORAGE_USAGE });
      this.misses++;
    }
    buf.label = label;
    this.live++;
    this.liveBytes += size;
    return buf;
  }

  release(buf: GPUBuffer): void {
    this.live--;
    this.liveBytes -= buf.size;
    let list = this.free.get(buf.size);
    if (!list) this.free.set(buf.size, (list = []));
    list.push(buf);
  }

  /** Destroy every pooled (free) buffer. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
  }

  stats(): { live: number; liveBytes: number; pooled: number } {
    let pooled = 0;
    for (const l of this.free.values()) pooled += l.length;
    return { live: this.live, liveBytes: this.liveBytes, pooled };
  }
}
