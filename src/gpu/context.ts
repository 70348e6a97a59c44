/**
 * GpuContext: one device with its pipeline cache, buffer pool, capability report and the
 * helpers every kernel uses (tensors, upload, readback, dispatch recording). Kernels record
 * into a {@link Batch} so a step's dispatches go into one command encoder and one submit.
 */
import { buildCapabilityReport, type CapabilityReport } from './capabilities';
import { DeviceLostError, GpuValidationError } from './errors';
import { BufferPool, numelOf, type GpuTensor } from './buffers';
import { PipelineCache, pipelineKeyString, type PipelineKey } from './pipelines';
import { StudioError } from '../core/errors';

export interface Dispatch {
  pipeline: PipelineKey;
  /** Storage / uniform resources in binding order (binding i = entries[i]). */
  bindings: GPUBuffer[];
  /** Uniform parameters as 32-bit words (u32 or f32 already encoded), bound after `bindings`. */
  uniforms?: ArrayBuffer;
  workgroups: [number, number?, number?];
  label: string;
}

/** Running totals of the work sent to the device (profiling: `npm run bench` reports them). */
export interface GpuCounters {
  dispatches: number;
  submits: number;
  readbacks: number;
  /** Per-dispatch uniform buffers and per-op index/weight buffers created. */
  smallBuffers: number;
}

export class GpuContext {
  readonly caps: CapabilityReport;
  readonly counters: GpuCounters = { dispatches: 0, submits: 0, readbacks: 0, smallBuffers: 0 };
  readonly pipelines: PipelineCache;
  readonly pool: BufferPool;
  private lostInfo: GPUDeviceLostInfo | null = null;
  private readonly lostListeners = new Set<(reason: string) => void>();
  private pendingError: string | null = null;
  private dummyBuffer: GPUBuffer | null = null;

  constructor(
    readonly adapter: GPUAdapter,
    readonly device: GPUDevice,
    featureLevel: 'core' | 'compatibility',
  ) {
    this.caps = buildCapabilityReport(adapter, device, featureLevel);
    this.pipelines = new PipelineCache(device);
    this.pool = new BufferPool(device, device.limits.maxStorageBufferBindingSize);
    // Validation errors outside an error scope would otherwise only reach the console; keep the
    // first one and raise it at the next readback so that a dropped dispatch never goes unseen.
    device.addEventListener('uncapturederror', (ev) => {
      const msg = (ev).error.message;
      this.pendingError ??= msg;
    });
    void device.lost.then((info) => {
      this.lostInfo = info;
      for (const l of this.lostListeners) l(info.message || info.reason);
    });
  }

  get isLost(): boolean {
    return this.lostInfo !== null;
  }

  onLost(fn: (reason: string) => void): () => void {
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  /** A small zero-filled storage buffer for optional bindings (e.g. "no bias"). */
  get dummy(): GPUBuffer {
    this.dummyBuffer ??= this.device.createBuffer({ label: 'dummy', size: 16, usage: GPUBufferUsage.STORAGE });
    return this.dummyBuffer;
  }

  /** Throw the first uncaptured validation error since the last check, if any. */
  checkErrors(): void {
    const e = this.pendingError;
    if (e !== null) {
      this.pendingError = null;
      throw new GpuValidationError(`WebGPU rejected a command: ${e}. This is a bug in the studio; please report it.`);
    }
  }

  /** Throw DeviceLostError if the device is gone. Called before each unit of GPU work. */
  checkAlive(): void {
    if (this.lostInfo) {
      throw new DeviceLostError(
        `The GPU device was lost (${this.lostInfo.reason}: ${this.lostInfo.message}). Finished stages are kept; ` +
          'run the stage again and the studio will acquire a new device. If it keeps happening, close other GPU-heavy tabs or use a smaller batch.',
        { reason: String(this.lostInfo.reason) },
      );
    }
  }

  tensor(shape: readonly number[], label: string): GpuTensor {
    this.checkAlive();
    const numel = numelOf(shape);
    return { buffer: this.pool.acquire(numel * 4, label), shape: [...shape], numel };
  }

  upload(data: Float32Array | Int32Array | Uint32Array, shape: readonly number[], label: string): GpuTensor {
    const t = this.tensor(shape, label);
    this.device.queue.writeBuffer(t.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return t;
  }

  /** Return tensors' buffers to the pool; a buffer named twice (views of one buffer) goes back once. */
  release(...ts: (GpuTensor | null | undefined)[]): void {
    const seen = new Set<GPUBuffer>();
    for (const t of ts) {
      if (!t || seen.has(t.buffer)) continue;
      seen.add(t.buffer);
      this.pool.release(t.buffer);
    }
  }

  /** Copy a tensor back to the CPU (waits for all submitted work). */
  async read(t: GpuTensor, numel = t.numel): Promise<Float32Array> {
    this.checkAlive();
    this.counters.readbacks++;
    const bytes = numel * 4;
    const staging = this.device.createBuffer({
      label: 'readback',
      size: Math.ceil(bytes / 4) * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = this.device.createCommandEncoder({ label: 'readback' });
    enc.copyBufferToBuffer(t.buffer, 0, staging, 0, staging.size);
    this.device.queue.submit([enc.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (e) {
      this.checkAlive();
      throw e;
    }
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    this.checkErrors();
    return out;
  }

  async readU32(t: GpuTensor, numel = t.numel): Promise<Uint32Array> {
    const f = await this.read(t, numel);
    return new Uint32Array(f.buffer);
  }

  batch(label = 'batch'): Batch {
    this.checkAlive();
    return new Batch(this, label);
  }

  /** Record and submit a single dispatch. */
  async run(d: Dispatch): Promise<void> {
    const b = this.batch(d.label);
    await b.add(d);
    b.submit();
  }

  /** Run `fn` inside a validation error scope; a validation error becomes GpuValidationError. */
  async validated<T>(fn: () => Promise<T>): Promise<T> {
    this.device.pushErrorScope('validation');
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      await this.device.popErrorScope();
      throw e;
    }
    const err = await this.device.popErrorScope();
    if (err) throw new GpuValidationError(`WebGPU validation error: ${err.message}`);
    return result;
  }

  destroy(): void {
    this.pool.trim();
    this.device.destroy();
  }
}

/** A dispatch with the output tensor it writes (kernels' synchronous halves return these). */
export interface Plan {
  dispatch: Dispatch;
  out: GpuTensor;
}

/** A set of dispatches recorded into one encoder; transient uniform buffers die after submit. */
export class Batch {
  private readonly enc: GPUCommandEncoder;
  private readonly transient: GPUBuffer[] = [];
  private pass: GPUComputePassEncoder | null = null;

  constructor(
    private readonly ctx: GpuContext,
    label: string,
  ) {
    this.enc = ctx.device.createCommandEncoder({ label });
  }

  async add(d: Dispatch): Promise<void> {
    this.record(d, this.ctx.pipelines.peek(d.pipeline) ?? (await this.ctx.pipelines.get(d.pipeline)));
  }

  /**
   * Record a dispatch synchronously; its pipeline must have been compiled already (prepare it
   * ahead, as the training backend does), else StudioError.
   */
  record(d: Dispatch, pipeline?: GPUComputePipeline): void {
    const pipe = pipeline ?? this.ctx.pipelines.peek(d.pipeline);
    if (!pipe) throw new StudioError(`pipeline ${pipelineKeyString(d.pipeline)} was not compiled before a synchronous dispatch; this is a bug in the studio`);
    const device = this.ctx.device;
    const entries: GPUBindGroupEntry[] = d.bindings.map((buffer, i) => ({ binding: i, resource: { buffer } }));
    if (d.uniforms) {
      const size = Math.max(16, Math.ceil(d.uniforms.byteLength / 16) * 16);
      const ub = device.createBuffer({ label: `${d.label}:params`, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(ub, 0, d.uniforms);
      this.transient.push(ub);
      this.ctx.counters.smallBuffers++;
      entries.push({ binding: d.bindings.length, resource: { buffer: ub } });
    }
    const bg = device.createBindGroup({ label: `${d.label}:bind`, layout: pipe.getBindGroupLayout(0), entries });
    this.pass ??= this.enc.beginComputePass({ label: 'compute' });
    this.pass.setPipeline(pipe);
    this.pass.setBindGroup(0, bg);
    const [x, y = 1, z = 1] = d.workgroups;
    this.pass.dispatchWorkgroups(x, y, z);
    this.ctx.counters.dispatches++;
  }

  /**
   * A small read-only storage buffer holding per-op host data (ids, row indices, segment
   * tables), created mapped and destroyed after this batch's submit.
   */
  small(data: Float32Array | Int32Array | Uint32Array, label: string): GpuTensor {
    const size = Math.max(16, Math.ceil(data.byteLength / 4) * 4);
    const buffer = this.ctx.device.createBuffer({ label, size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buffer.unmap();
    this.transient.push(buffer);
    this.ctx.counters.smallBuffers++;
    return { buffer, shape: [data.length], numel: data.length };
  }

  /** Record zero-filling `bytes` bytes of a buffer (ends the current compute pass). */
  clear(buffer: GPUBuffer, offset: number, bytes: number): void {
    this.pass?.end();
    this.pass = null;
    this.enc.clearBuffer(buffer, offset, bytes);
  }

  /** Record a buffer copy (ends the current compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.pass?.end();
    this.pass = null;
    this.enc.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  submit(): void {
    this.ctx.checkAlive();
    this.pass?.end();
    this.pass = null;
    this.ctx.device.queue.submit([this.enc.finish()]);
    this.ctx.counters.submits++;
    for (const b of this.transient) b.destroy();
  }
}

/** Encode a uniform struct of u32 / f32 fields (WGSL layout: all 4-byte scalars). */
export function params(fields: ({ u: number } | { f: number } | { i: number })[]): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const dv = new DataView(buf);
  fields.forEach((f, i) => {
    if ('u' in f) dv.setUint32(i * 4, f.u, true);
    else if ('i' in f) dv.setInt32(i * 4, f.i, true);
    else dv.setFloat32(i * 4, f.f, true);
  });
  return buf;
}

/** Split a workgroup count over x and y when it exceeds the per-dimension limit. */
export function grid2d(groups: number, maxPerDim: number): [number, number] {
  if (groups <= maxPerDim) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
