/**
 * A correlation matrix resident on the GPU in row blocks (made by
 * GpuMomentAccumulator.correlation in src/gpu/moments.ts). The hybrid assignment solver needs
 * only the best-k candidate lists (small), which come from the GPU without reading the matrix;
 * `read` returns the whole matrix in the CPU's CorrelationResult format when it is wanted.
 */
import type { BestK } from '../core/assign/candidates';
import type { CorrelationResult } from '../core/stats/correlation';
import type { GpuContext } from './context';
import { gpuBestK, type RowBlock } from './kernels/bestK';

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

  release(): void {
    if (this.released) return;
    this.released = true;
    this.ctx.release(...this.blocks.map((b) => b.tensor));
  }
}
