/**
 * A correlation matrix resident on the GPU in row blocks (made by
 * GpuMomentAccumulator.correlation in src/gpu/moments.ts, or uploaded once from the host with
 * `fromHost`). The hybrid assignment solver's two dense passes run on these blocks: the best-k
 * candidate lists (small, read back) and the certificate filter (`certifier`, for
 * solveLapAsync). `read` returns the whole matrix in the CPU's CorrelationResult format (the
 * sparse core and the exact re-check of flagged rows work on the host copy).
 */
import type { BestK } from '../core/assign/candidates';
import { InvalidArgumentError } from '../core/errors';
import type { CorrelationResult } from '../core/stats/correlation';
import type { GpuContext } from './context';
import { gpuBestK, type RowBlock } from './kernels/bestK';
import { GpuLapCertifier } from './kernels/lapCertify';

export class GpuCorrelation {
  private released = false;

  constructor(
    private readonly ctx: GpuContext,
    readonly rows: number,
    readonly cols: number,
    readonly blocks: readonly RowBlock[],
    readonly deadRows: Int32Array,
    readonly deadCols: Int32Array,
  ) {}

  /** Upload a host correlation in row blocks of at most one storage binding (or maxTileBytes). */
  static fromHost(ctx: GpuContext, r: CorrelationResult, opts: { maxTileBytes?: number } = {}): GpuCorrelation {
    if (r.corr.length !== r.rows * r.cols) throw new InvalidArgumentError(`GpuCorrelation.fromHost: ${r.corr.length} values for a ${r.rows} x ${r.cols} matrix`);
    const maxBytes = Math.min(ctx.device.limits.maxStorageBufferBindingSize, opts.maxTileBytes ?? Infinity);
    const per = Math.max(1, Math.floor(maxBytes / (4 * r.cols)));
    const blocks: RowBlock[] = [];
    for (let r0 = 0; r0 < r.rows; r0 += per) {
      const rows = Math.min(per, r.rows - r0);
      blocks.push({ r0, rows, tensor: ctx.upload(r.corr.subarray(r0 * r.cols, (r0 + rows) * r.cols), [rows, r.cols], 'corr.block') });
    }
    return new GpuCorrelation(ctx, r.rows, r.cols, blocks, r.deadRows, r.deadCols);
  }

  /** The full matrix on the host ([rows, cols] f32) with the dead indices. */
  async read(): Promise<CorrelationResult> {
    const corr = new Float32Array(this.rows * this.cols);
    for (const b of this.blocks) corr.set(await this.ctx.read(b.tensor, b.rows * this.cols), b.r0 * this.cols);
    return { corr, rows: this.rows, cols: this.cols, deadRows: this.deadRows, deadCols: this.deadCols };
  }

  /** Best k (<= 16) columns per row and rows per column, in the format of core bestK. */
  bestK(k: number): Promise<BestK> {
    return gpuBestK(this.ctx, this.blocks, this.rows, this.cols, k);
  }

  /** The certificate's dense filter over these blocks (square matrices only); valid until release. */
  certifier(): GpuLapCertifier {
    if (this.rows !== this.cols) throw new InvalidArgumentError(`GpuCorrelation.certifier: the assignment needs a square matrix, this one is ${this.rows} x ${this.cols}`);
    return new GpuLapCertifier(this.ctx, this.blocks, this.rows);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.ctx.release(...this.blocks.map((b) => b.tensor));
  }
}
