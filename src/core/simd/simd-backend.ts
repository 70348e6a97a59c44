/**
 * The fast CPU ComputeBackend: the CPU reference backend with its matrix products (linear,
 * SwiGLU's two projections, the LM head's chunked log-likelihood) moved onto a generated
 * WebAssembly SIMD kernel (./gemm-kernel.ts), f32 throughout. It is what the engine runs on where
 * the only GPU adapter is a software one (SwiftShader emulates the GPU on these same CPU cores,
 * several times slower than this kernel).
 *
 * Tensors stay host arrays (CpuTensor), so every other op is the reference's. A tensor used as a
 * linear weight is copied once into the kernel heap (rows padded to a multiple of 4) and kept
 * there until it is released; a weight must not be modified in place while it is uploaded
 * (the WebGPU backend's rule too). Activations pass through scratch blocks per call.
 */
import type { AttentionOptions, NllOptions } from '../backend';
import { CpuBackend, CpuTensor } from '../cpu-backend';
import { InvalidArgumentError } from '../errors';
import { ChunkedNll, DEFAULT_VOCAB_CHUNK } from '../ref/crossentropy';
import { simdAttention, type Gemm } from './attention';
import { columnBlock, gemmModuleBytes, pad4 } from './gemm-kernel';
import { SimdMemoryError, WasmHeap } from './heap';

type SiluMul = (g: number, u: number, y: number, n: number) => void;

interface HeapWeight {
  off: number;
  rows: number;
  kp: number;
}

let support: { simd: boolean; fused: boolean } | null = null;

/** What this JavaScript engine validates: WebAssembly SIMD, and relaxed SIMD's multiply-add (checked once). */
function kernelSupport(): { simd: boolean; fused: boolean } {
  if (!support) {
    const simd = typeof WebAssembly === 'object' && WebAssembly.validate(gemmModuleBytes(false));
    support = { simd, fused: simd && WebAssembly.validate(gemmModuleBytes(true)) };
  }
  return support;
}

/** Whether this JavaScript engine runs WebAssembly SIMD (and so the fast CPU backend). */
export function simdSupported(): boolean {
  return kernelSupport().simd;
}

/** The kernel variant in words, for the studio, the CLI and the bench (default: the one this engine runs). */
export function simdKernelName(fused = kernelSupport().fused): string {
  return `CPU, WebAssembly SIMD (${fused ? 'fused multiply-add' : 'multiply + add'})`;
}

/**
 * The engine's choice for inference: on a software GPU adapter (SwiftShader, llvmpipe: the GPU
 * emulated on these same CPU cores) this backend is several times faster than WebGPU.
 */
export function preferSimdCpu(adapter: { isFallbackAdapter: boolean }): boolean {
  return adapter.isFallbackAdapter && simdSupported();
}

export class SimdCpuBackend extends CpuBackend {
  override readonly name = 'cpu-simd';
  private readonly weights = new Map<CpuTensor, HeapWeight>();

  private constructor(
    private readonly heap: WasmHeap,
    private readonly gemm: Gemm,
    private readonly siluMulKernel: SiluMul,
    /** Whether the kernel uses relaxed SIMD's fused multiply-add. */
    readonly fused: boolean,
  ) {
    super();
  }

  /** `maxHeapBytes` bounds the kernel heap (default 4 GiB; tests use small ones). */
  static async create(opts: { fused?: boolean; maxHeapBytes?: number } = {}): Promise<SimdCpuBackend> {
    if (!simdSupported()) {
      throw new InvalidArgumentError('This JavaScript engine has no WebAssembly SIMD; use the reference CPU backend or WebGPU.');
    }
    const fused = opts.fused ?? kernelSupport().fused;
    const heap = new WasmHeap(16 << 20, opts.maxHeapBytes);
    const module = await WebAssembly.compile(gemmModuleBytes(fused));
    const inst = await WebAssembly.instantiate(module, { env: { memory: heap.memory } });
    return new SimdCpuBackend(heap, inst.exports.gemm as Gemm, inst.exports.siluMul as SiluMul, fused);
  }

  /** In words, for the studio and the CLI. */
  describe(): string {
    return simdKernelName(this.fused);
  }

  /** Bytes of weights held in the kernel heap. */
  get residentWeightBytes(): number {
    let n = 0;
    for (const w of this.weights.values()) n += w.rows * w.kp * 4;
    return n;
  }

  override release(...ts: (CpuTensor | null | undefined)[]): void {
    for (const t of ts) {
      const w = t ? this.weights.get(t) : undefined;
      if (!w || !t) continue;
      this.heap.release(w.off);
      this.weights.delete(t);
    }
  }

  /** Allocate, evicting cached weights other than `keep` when the heap is full. */
  private alloc(bytes: number, keep: readonly CpuTensor[]): number {
    try {
      return this.heap.alloc(bytes);
    } catch (e) {
      if (!(e instanceof SimdMemoryError)) throw e;
      for (const t of [...this.weights.keys()]) if (!keep.includes(t)) this.release(t);
      return this.heap.alloc(bytes);
    }
  }

  /** Rows [rows, k] of a host array into a new heap block with rows padded to kp. */
  private put(data: Float32Array, rows: number, k: number, kp: number, keep: readonly CpuTensor[]): number {
    const off = this.alloc(Math.max(1, rows * kp) * 4, keep);
    const dst = this.heap.f32(off, rows * kp);
    if (kp === k) dst.set(data.subarray(0, rows * k));
    else for (let r = 0; r < rows; r++) { dst.set(data.subarray(r * k, (r + 1) * k), r * kp); dst.fill(0, r * kp + k, (r + 1) * kp); }
    return off;
  }

  private weight(w: CpuTensor, inUse: readonly CpuTensor[] = []): HeapWeight {
    const have = this.weights.get(w);
    if (have) return have;
    const [rows, k] = w.shape;
    const kp = pad4(k);
    const hw = { off: this.put(w.data, rows, k, kp, [w, ...inUse]), rows, kp };
    this.weights.set(w, hw);
    return hw;
  }

  /** x @ w[r0 : r0 + n]^T for x already in the heap at xo ([m, kp]); the result in a new heap block. */
  private product(xo: number, m: number, w: HeapWeight, r0: number, n: number, keep: readonly CpuTensor[]): number {
    const yo = this.alloc(Math.max(1, m * n) * 4, keep);
    this.gemm(xo, w.off + r0 * w.kp * 4, yo, m, w.kp, n, columnBlock(w.kp, n));
    return yo;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that shape errors reject
  override async linear(x: CpuTensor, w: CpuTensor, bias?: CpuTensor | null, residual?: CpuTensor | null, scale = 1): Promise<CpuTensor> {
    const [out, inp] = w.shape;
    if (x.cols !== inp) throw new InvalidArgumentError(`linear: input has ${x.cols} features, weight [${w.shape.join(', ')}] expects ${inp}`);
    const m = x.rows;
    if (residual && residual.data.length !== m * out) throw new InvalidArgumentError(`linear: residual has ${residual.data.length} elements, expected ${m * out}`);
    const hw = this.weight(w);
    const xo = this.put(x.data, m, inp, hw.kp, [w]);
    const yo = this.product(xo, m, hw, 0, out, [w]);
    const y = this.heap.f32(yo, m * out).slice();
    this.heap.release(xo);
    this.heap.release(yo);
    if (scale !== 1) for (let i = 0; i < y.length; i++) y[i] = Math.fround(scale * y[i]);
    if (bias) {
      const bd = bias.data;
      for (let r = 0, o = 0; r < m; r++, o += out) for (let j = 0; j < out; j++) y[o + j] += bd[j];
    }
    if (residual) {
      const rd = residual.data;
      for (let i = 0; i < y.length; i++) y[i] += rd[i];
    }
    return new CpuTensor(y, [m, out]);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that shape errors reject
  override async swiglu(x: CpuTensor, gate: CpuTensor, up: CpuTensor): Promise<CpuTensor> {
    const [out, inp] = gate.shape;
    if (x.cols !== inp || up.shape[0] !== out || up.shape[1] !== inp) {
      throw new InvalidArgumentError(`swiglu: input [${x.shape.join(', ')}], gate [${gate.shape.join(', ')}], up [${up.shape.join(', ')}] do not fit`);
    }
    const m = x.rows;
    const g = this.weight(gate);
    const u = this.weight(up, [gate]);
    const xo = this.put(x.data, m, inp, g.kp, [gate, up]);
    const go = this.product(xo, m, g, 0, out, [gate, up]);
    const uo = this.product(xo, m, u, 0, out, [gate, up]);
    this.siluMulKernel(go, uo, go, m * out);
    const y = this.heap.f32(go, m * out).slice();
    for (const o of [xo, go, uo]) this.heap.release(o);
    return new CpuTensor(y, [m, out]);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that shape errors reject
  override async attention(q: CpuTensor, k: CpuTensor, v: CpuTensor, opts: AttentionOptions): Promise<CpuTensor> {
    if (k.data.length !== v.data.length) throw new InvalidArgumentError(`attention k/v: shapes [${k.shape.join(', ')}] and [${v.shape.join(', ')}] differ`);
    const out = simdAttention(this.heap, this.gemm, (b) => this.alloc(b, []), q.data, k.data, v.data, q.rows, k.rows, opts);
    return new CpuTensor(out, q.shape);
  }

  /** The reference's chunked online log-sum-exp (f64) over logits from the kernel (f32). */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so that shape errors reject
  override async lmHeadNll(x: CpuTensor, w: CpuTensor, targets: Int32Array, opts: NllOptions = {}): Promise<Float64Array> {
    const [v, h] = w.shape;
    if (x.cols !== h) throw new InvalidArgumentError(`lmHeadNll: hidden ${x.cols} vs LM head [${w.shape.join(', ')}]`);
    if (targets.length !== x.rows) throw new InvalidArgumentError(`lmHeadNll: ${targets.length} targets for ${x.rows} rows`);
    const n = x.rows;
    const chunk = Math.max(1, opts.vocabChunk ?? DEFAULT_VOCAB_CHUNK);
    const hw = this.weight(w);
    const xo = this.put(x.data, n, h, hw.kp, [w]);
    const nll = new ChunkedNll(targets);
    for (let v0 = 0; v0 < v; v0 += chunk) {
      const c = Math.min(v, v0 + chunk) - v0;
      const yo = this.product(xo, n, hw, v0, c, [w]);
      const lg = this.heap.f32(yo, n * c);
      for (let r = 0; r < n; r++) nll.add(r, lg, r * c, v0, c);
      this.heap.release(yo);
    }
    this.heap.release(xo);
    return nll.finish();
  }
}
