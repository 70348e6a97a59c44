/**
 * GPU moment accumulator: the GPU twin of MomentAccumulator (src/core/stats/moments.ts), fed
 * with activation chunks that already live on the GPU (e.g. the tapped FFN hidden h [T, I]), so
 * no [T, d] tensor is read back. Per stream s: the shift c_s (mean of the first chunk, computed
 * on the GPU), S_s = sum (x - c_s), the second moment (full d x d or diagonal) and, per requested
 * pair (a, b), X_ab = sum (x_a - c_a)^T (x_b - c_b). Kernels: src/gpu/kernels/moments.ts.
 *
 * Precision over millions of tokens. Every total is a pair of f32 (total, compensation) updated
 * once per chunk with Kahan's step, so the accumulated error over N chunks is about 2 ulp of the
 * total plus N ulp^2 (instead of N ulp for plain f32): the number of chunks does not matter.
 * Within a chunk, products are summed in f32 two-level (blocks of 64 tokens, then the blocks),
 * a relative error of about (64 + T/64) * 6e-8 worst case (~1e-6 for T = 4096, sqrt of that
 * typically) of sum |z_i z_j|. Because z = x - c is shifted by the first chunk's mean, that sum
 * is T * std_i * std_j (not T * |mean_i mean_j|), so the error is relative to the spread, and
 * the covariance (X - S S^T / T) / T cancels almost nothing. Shifted values themselves are exact
 * where x and c are within a factor 2 (Sterbenz), the case of large offsets. On the host the
 * totals become f64 (total - compensation) and feed a MomentAccumulator (toMoments), so
 * correlationFromMoments and the CKA functions work unchanged.
 *
 * Outputs larger than one storage binding are kept in row blocks (rows of the d_a x d_b output)
 * of at most maxStorageBufferBindingSize bytes, or opts.maxTileBytes (tests force small blocks).
 */
import { InvalidArgumentError } from '../core/errors';
import { MomentAccumulator, pairKey, type MomentOptions } from '../core/stats/moments';
import { DEFAULT_DEAD_REL } from '../core/stats/correlation';
import type { GpuTensor } from './buffers';
import type { Batch, GpuContext } from './context';
import { bestKPipeline } from './kernels/bestK';
import { MOMENT_PIPELINES, momentColstats, momentCorr, momentProduct, momentShift, momentStd } from './kernels/moments';
import { GpuCorrelation } from './correlation';

export interface GpuMomentOptions extends MomentOptions {
  /** Largest row block of an output matrix in bytes (default: the device's binding limit). */
  maxTileBytes?: number;
}

interface Block {
  r0: number;
  rows: number;
  /** [rows, cols] (total, compensation) pairs. */
  buf: GPUBuffer;
}

const STORAGE_RW = 0x80 | 0x04 | 0x08;

export class GpuMomentAccumulator {
  count = 0;
  readonly selfFull: boolean;
  readonly pairs: readonly (readonly [number, number])[];
  private readonly shift: GPUBuffer[];
  /** Per stream [2 d] pairs: the sum, then the diagonal second moment. */
  private readonly stats: GPUBuffer[];
  private readonly self: Block[][];
  private readonly cross = new Map<string, Block[]>();
  private readonly owned: GPUBuffer[] = [];
  private readonly maxTileBytes: number;

  private constructor(
    readonly ctx: GpuContext,
    readonly dims: readonly number[],
    opts: GpuMomentOptions,
  ) {
    this.selfFull = opts.selfFull ?? true;
    this.pairs = opts.pairs ?? [];
    this.maxTileBytes = Math.min(ctx.device.limits.maxStorageBufferBindingSize, opts.maxTileBytes ?? Infinity);
    // Validates the pairs exactly as the CPU accumulator does.
    void new MomentAccumulator(dims, { pairs: this.pairs, selfFull: false });
    this.shift = dims.map((d) => this.buffer(4 * d, 'moments.shift'));
    this.stats = dims.map((d) => this.buffer(16 * d, 'moments.stats'));
    this.self = this.selfFull ? dims.map((d) => this.blocks(d, d, 'moments.self')) : [];
    for (const [a, b] of this.pairs) this.cross.set(pairKey(a, b), this.blocks(dims[a], dims[b], 'moments.cross'));
  }

  /** A zeroed accumulator with its pipelines compiled. */
  static async create(ctx: GpuContext, dims: readonly number[], opts: GpuMomentOptions = {}): Promise<GpuMomentAccumulator> {
    await ctx.pipelines.prepare([...MOMENT_PIPELINES, bestKPipeline]);
    return new GpuMomentAccumulator(ctx, dims, opts);
  }

  /** New buffers are zero-filled by WebGPU; they are owned here, not pooled. */
  private buffer(bytes: number, label: string): GPUBuffer {
    const b = this.ctx.device.createBuffer({ label, size: Math.max(16, bytes), usage: STORAGE_RW });
    this.owned.push(b);
    return b;
  }

  /** Rows of a [rows, cols] matrix of f32 pairs per storage binding. */
  rowsPerBlock(cols: number): number {
    const per = Math.floor(this.maxTileBytes / (8 * cols));
    if (per < 1) throw new InvalidArgumentError(`GpuMomentAccumulator: one row of ${cols} pairs exceeds the block limit of ${this.maxTileBytes} bytes`);
    return per;
  }

  private blocks(rows: number, cols: number, label: string): Block[] {
    const per = this.rowsPerBlock(cols);
    const out: Block[] = [];
    for (let r0 = 0; r0 < rows; r0 += per) {
      const n = Math.min(per, rows - r0);
      out.push({ r0, rows: n, buf: this.buffer(8 * n * cols, label) });
    }
    return out;
  }

  /**
   * Record the accumulation of one chunk (chunks[s] is [tokens, dims[s]] on the GPU) into
   * `batch`. The chunks must stay valid until the batch is submitted.
   */
  async add(batch: Batch, chunks: readonly GpuTensor[], tokens: number): Promise<void> {
    if (chunks.length !== this.dims.length) throw new InvalidArgumentError(`GpuMomentAccumulator.add: ${chunks.length} chunks for ${this.dims.length} streams`);
    if (tokens === 0) return;
    const { ctx, dims } = this;
    for (let s = 0; s < dims.length; s++) {
      if (this.count === 0) await momentShift(ctx, batch, chunks[s], tokens, dims[s], this.shift[s], this.stats[s]);
      await momentColstats(ctx, batch, chunks[s], tokens, dims[s], this.shift[s], this.stats[s]);
      if (this.selfFull) await this.product(batch, chunks, tokens, s, s, this.self[s]);
    }
    for (const [a, b] of this.pairs) await this.product(batch, chunks, tokens, a, b, this.cross.get(pairKey(a, b)) ?? []);
    this.count += tokens;
  }

  private async product(batch: Batch, chunks: readonly GpuTensor[], tokens: number, a: number, b: number, blocks: Block[]): Promise<void> {
    for (const blk of blocks) {
      await momentProduct(this.ctx, batch, {
        xa: chunks[a], xb: chunks[b], shiftA: this.shift[a], shiftB: this.shift[b], tokens,
        da: this.dims[a], db: this.dims[b], r0: blk.r0, rows: blk.rows, acc: blk.buf,
      });
    }
  }

  /** Upload host chunks, accumulate them and submit (tests, CPU-resident data). */
  async addHost(chunks: readonly Float32Array[], tokens: number): Promise<void> {
    const ts = chunks.map((x, s) => this.ctx.upload(x, [tokens, this.dims[s]], 'moments.chunk'));
    try {
      const b = this.ctx.batch('moments');
      await this.add(b, ts, tokens);
      b.submit();
    } finally {
      // Later writes to these pool buffers are queued after the submit above.
      this.ctx.release(...ts);
    }
  }

  private async readPairs(buf: GPUBuffer, n: number, into: Float64Array = new Float64Array(n), at = 0): Promise<Float64Array> {
    const f = await this.ctx.read({ buffer: buf, shape: [2 * n], numel: 2 * n });
    for (let i = 0; i < n; i++) into[at + i] = f[2 * i] - f[2 * i + 1];
    return into;
  }

  private async readBlocks(blocks: Block[], rows: number, cols: number): Promise<Float64Array> {
    const out = new Float64Array(rows * cols);
    for (const b of blocks) await this.readPairs(b.buf, b.rows * cols, out, b.r0 * cols);
    return out;
  }

  /** Read the totals back (waits for submitted work) as a MomentAccumulator with the same data. */
  async toMoments(): Promise<MomentAccumulator> {
    const { dims } = this;
    const shift: Float64Array[] = [];
    const sum: Float64Array[] = [];
    const sumSq: Float64Array[] = [];
    for (let s = 0; s < dims.length; s++) {
      const d = dims[s];
      shift.push(Float64Array.from(await this.ctx.read({ buffer: this.shift[s], shape: [d], numel: d })));
      const st = await this.readPairs(this.stats[s], 2 * d);
      sum.push(st.slice(0, d));
      sumSq.push(this.selfFull ? await this.readBlocks(this.self[s], d, d) : st.slice(d));
    }
    const cross = new Map<string, Float64Array>();
    for (const [a, b] of this.pairs) cross.set(pairKey(a, b), await this.readBlocks(this.cross.get(pairKey(a, b)) ?? [], dims[a], dims[b]));
    return MomentAccumulator.fromTotals(dims, { pairs: this.pairs, selfFull: this.selfFull }, { count: this.count, shift, sum, sumSq, cross });
  }

  /**
   * Correlation between streams a (rows) and b (columns) on the GPU, kept there in row blocks
   * (for the GPU best-k); (a, b) must be an accumulated pair, or a === b with selfFull.
   */
  async correlation(a: number, b: number, opts: { deadRel?: number } = {}): Promise<GpuCorrelation> {
    if (this.count === 0) throw new InvalidArgumentError('GpuMomentAccumulator: no tokens were added yet');
    const blocks = a === b ? (this.selfFull ? this.self[a] : undefined) : this.cross.get(pairKey(a, b));
    if (!blocks) {
      throw new InvalidArgumentError(`GpuMomentAccumulator.correlation: (${a}, ${b}) was not accumulated in that orientation; list it in opts.pairs (or use selfFull for a === b)`);
    }
    const { ctx, dims } = this;
    const deadRel = opts.deadRel ?? DEFAULT_DEAD_REL;
    const stdA = ctx.tensor([dims[a]], 'moments.stdA');
    const stdB = ctx.tensor([dims[b]], 'moments.stdB');
    const batch = ctx.batch('moments.corr');
    await momentStd(ctx, batch, this.stats[a], dims[a], this.count, deadRel, stdA);
    await momentStd(ctx, batch, this.stats[b], dims[b], this.count, deadRel, stdB);
    const out = [];
    for (const blk of blocks) {
      const t = ctx.tensor([blk.rows, dims[b]], 'moments.corrBlock');
      await momentCorr(ctx, batch, {
        product: blk.buf, statsA: this.stats[a], statsB: this.stats[b], stdA, stdB, count: this.count,
        da: dims[a], db: dims[b], r0: blk.r0, rows: blk.rows, out: t,
      });
      out.push({ r0: blk.r0, rows: blk.rows, tensor: t });
    }
    batch.submit();
    try {
      const dead = async (t: GpuTensor): Promise<Int32Array> => {
        const sd = await ctx.read(t);
        const idx: number[] = [];
        sd.forEach((v, i) => { if (v === 0) idx.push(i); });
        return Int32Array.from(idx);
      };
      return new GpuCorrelation(ctx, dims[a], dims[b], out, await dead(stdA), await dead(stdB));
    } finally {
      ctx.release(stdA, stdB);
    }
  }

  /** Free the GPU buffers. */
  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
  }
}
