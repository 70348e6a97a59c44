/**
 * The probe's FFN moments on the GPU (ProbeOptions.gpuMoments): when the engine runs on the
 * WebGPU backend, each model's tapped h [T, I] is copied GPU-to-GPU into a buffer kept until
 * every model has run the chunk, then one GpuMomentAccumulator per layer absorbs the chunk
 * (self and anchor x model cross moments). h never comes back to the host; only the totals do,
 * once, at the end (toMoments), so the probe's result has the same MomentAccumulator form.
 * GPU memory held per chunk: models x layers x chunk tokens x I floats (what the host path
 * holds in host memory). With `keep` (ProbeOptions.keepGpuMoments) the accumulators outlive the
 * probe, so the match stage computes each correlation on the GPU from them (`correlation`)
 * instead of uploading it; whoever holds the ProbeResult then calls dispose().
 */
import { InvalidArgumentError } from '../core/errors';
import type { MomentAccumulator } from '../core/stats/moments';
import type { GpuTensor } from '../gpu/buffers';
import type { GpuContext } from '../gpu/context';
import type { GpuCorrelation } from '../gpu/correlation';
import { GpuMomentAccumulator } from '../gpu/moments';
import type { WebGpuBackend } from '../gpu/webgpu-backend';

export class GpuFfnMoments {
  private held: GpuTensor[][];
  private disposed = false;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly backend: WebGpuBackend,
    private readonly acc: GpuMomentAccumulator[],
    private readonly models: number,
  ) {
    this.held = this.empty();
  }

  static async create(
    backend: WebGpuBackend, layers: number, models: number, width: number, opts: { pairs: (readonly [number, number])[]; selfFull: boolean },
  ): Promise<GpuFfnMoments> {
    const acc: GpuMomentAccumulator[] = [];
    for (let l = 0; l < layers; l++) acc.push(await GpuMomentAccumulator.create(backend.ctx, Array<number>(models).fill(width), opts));
    return new GpuFfnMoments(backend.ctx, backend, acc, models);
  }

  private empty(): GpuTensor[][] {
    return Array.from({ length: this.models }, () => new Array<GpuTensor>(this.acc.length));
  }

  /** Keep a copy of model m's tapped h at `layer` (valid only during the tap callback). */
  keep(m: number, layer: number, h: GpuTensor): void {
    // The backend's recorded work (which produces h) must be submitted before the copy.
    this.backend.flush();
    const t = this.ctx.tensor(h.shape, 'probe.h');
    const b = this.ctx.batch('probe.keep');
    b.copy(h.buffer, 0, t.buffer, 0, h.numel * 4);
    b.submit();
    this.ctx.release(this.held[m][layer]);
    this.held[m][layer] = t;
  }

  /** Accumulate the chunk of `tokens` rows that every model has run, then drop the copies. */
  async absorb(tokens: number): Promise<void> {
    const b = this.ctx.batch('probe.moments');
    for (let l = 0; l < this.acc.length; l++) {
      const chunks = this.held.map((hm) => hm[l]);
      if (chunks.some((c) => c === undefined)) throw new InvalidArgumentError(`probe: layer ${l} delivered no FFN activations for some model`);
      await this.acc[l].add(b, chunks, tokens);
    }
    b.submit();
    for (const hm of this.held) this.ctx.release(...hm);
    this.held = this.empty();
  }

  /** The totals as MomentAccumulators (one per layer); frees the GPU accumulators unless `keep`. */
  async finish(keep = false): Promise<MomentAccumulator[]> {
    const out: MomentAccumulator[] = [];
    for (const a of this.acc) {
      out.push(await a.toMoments());
      if (!keep) a.destroy();
    }
    return out;
  }

  /** Correlation between models a (rows) and b at `layer`, on the GPU; (a, b) must be a probed pair. */
  async correlation(layer: number, a: number, b: number): Promise<GpuCorrelation> {
    const acc = this.acc[layer] as GpuMomentAccumulator | undefined;
    if (!acc || this.disposed) throw new InvalidArgumentError(`probe: no GPU moments for layer ${layer}${this.disposed ? ' (already disposed)' : ''}; run the probe again`);
    return acc.correlation(a, b);
  }

  dispose(): void {
    for (const hm of this.held) this.ctx.release(...hm);
    this.held = this.empty();
    for (const a of this.acc) a.destroy();
    this.disposed = true;
  }
}
