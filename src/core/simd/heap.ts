/**
 * Memory for the WebAssembly kernels: one growable WebAssembly.Memory with a first-fit allocator
 * (16-byte aligned blocks, freed blocks coalesced, the top of the heap given back to the bump
 * pointer). Views into the memory are made on demand: growing the memory detaches old views.
 */
import { defineError } from '../errors';

/** The kernel heap cannot hold what was asked (the 4 GiB of 32-bit WebAssembly, or the browser's limit). */
export const SimdMemoryError = defineError('SIMD_MEMORY');

const PAGE = 65536;
const ALIGN = 16;
const MAX_PAGES = 65536;

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private top = ALIGN; // offset 0 is never handed out
  private readonly sizes = new Map<number, number>();
  /** Free blocks below `top`, sorted by offset. */
  private free: { off: number; size: number }[] = [];
  private readonly maxPages: number;

  /** `maxBytes`: the most the memory may grow to (default 4 GiB, 32-bit WebAssembly's limit). */
  constructor(initialBytes = 16 << 20, maxBytes = MAX_PAGES * PAGE) {
    this.maxPages = Math.min(MAX_PAGES, Math.ceil(maxBytes / PAGE));
    this.memory = new WebAssembly.Memory({ initial: Math.min(this.maxPages, Math.ceil(initialBytes / PAGE)), maximum: this.maxPages });
  }

  /** Bytes handed out and not yet freed. */
  get usedBytes(): number {
    let n = 0;
    for (const s of this.sizes.values()) n += s;
    return n;
  }

  get capacityBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** A block of at least `bytes`; throws SimdMemoryError when the memory cannot grow enough. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size < size) continue;
      const off = b.off;
      if (b.size === size) this.free.splice(i, 1);
      else { b.off += size; b.size -= size; }
      this.sizes.set(off, size);
      return off;
    }
    const off = this.top;
    const end = off + size;
    if (end > this.memory.buffer.byteLength) {
      const have = this.memory.buffer.byteLength / PAGE;
      const pages = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
      // Grow by a quarter at least (fewer, larger steps), up to the maximum; where the browser
      // refuses that much, by exactly what is needed.
      const grown = have + pages <= this.maxPages && (this.tryGrow(Math.min(Math.max(pages, Math.ceil(have / 4)), this.maxPages - have)) || this.tryGrow(pages));
      if (!grown) {
        throw new SimdMemoryError(
          `The CPU kernels' memory cannot grow to ${(end / 2 ** 20).toFixed(0)} MiB (it holds ${(this.usedBytes / 2 ** 20).toFixed(0)} MiB). ` +
          'Use a smaller model or the WebGPU backend.',
          { requestedBytes: bytes, usedBytes: this.usedBytes },
        );
      }
    }
    this.top = end;
    this.sizes.set(off, size);
    return off;
  }

  private tryGrow(pages: number): boolean {
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }

  /** Return a block from `alloc`. */
  release(off: number): void {
    const size = this.sizes.get(off);
    if (size === undefined) throw new RangeError(`heap: ${off} is not an allocated block`);
    this.sizes.delete(off);
    let i = 0;
    while (i < this.free.length && this.free[i].off < off) i++;
    this.free.splice(i, 0, { off, size });
    // Coalesce with the next and the previous block.
    if (i + 1 < this.free.length && off + size === this.free[i + 1].off) {
      this.free[i].size += this.free[i + 1].size;
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1].off + this.free[i - 1].size === off) {
      this.free[i - 1].size += this.free[i].size;
      this.free.splice(i, 1);
      i--;
    }
    const last = this.free[this.free.length - 1];
    if (last && last.off + last.size === this.top) {
      this.top = last.off;
      this.free.pop();
    }
  }

  /** A Float32Array view of `length` floats at byte offset `off` (valid until the memory grows). */
  f32(off: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, off, length);
  }
}
