/**
 * Seeded data order for training: token streams (one per domain) are cut into windows of
 * windowLength tokens (non-overlapping, last partial window dropped so every window scores the
 * same number of predictions), and each epoch visits all windows in a fresh permutation drawn
 * from (seed, epoch). The cursor {epoch, index} is the whole state, so a saved trainer resumes
 * the exact order without serialising RNG internals.
 * A step takes windows until its scored predictions (windowLength - 1 per window) reach the
 * token batch; the step is then split into micro-batches for gradient accumulation.
 */
import { InvalidArgumentError } from '../errors';
import { Rng } from '../rng';

export interface DataCursor {
  epoch: number;
  index: number;
}

export function trainWindows(streams: Int32Array[], windowLength: number): Int32Array[] {
  if (!Number.isInteger(windowLength) || windowLength < 2) throw new InvalidArgumentError(`windowLength must be an integer >= 2, got ${windowLength}`);
  const out: Int32Array[] = [];
  for (const s of streams) for (let i = 0; i + windowLength <= s.length; i += windowLength) out.push(s.subarray(i, i + windowLength));
  return out;
}

export class WindowSampler {
  private order: Int32Array;
  cursor: DataCursor;

  constructor(
    readonly windows: Int32Array[],
    readonly seed: number,
    cursor: DataCursor = { epoch: 0, index: 0 },
  ) {
    if (windows.length === 0) throw new InvalidArgumentError('training needs at least one full window of tokens; add text or shorten the window');
    this.cursor = { ...cursor };
    this.order = this.permutation(cursor.epoch);
  }

  private permutation(epoch: number): Int32Array {
    // Distinct, well-mixed seeds per epoch (mulberry32 decorrelates nearby seeds).
    return new Rng((Math.imul(this.seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(epoch + 1, 0x85ebca6b)) >>> 0).permutation(this.windows.length);
  }

  next(): Int32Array {
    if (this.cursor.index >= this.windows.length) {
      this.cursor = { epoch: this.cursor.epoch + 1, index: 0 };
      this.order = this.permutation(this.cursor.epoch);
    }
    return this.windows[this.order[this.cursor.index++]];
  }

  /** Windows for one optimiser step: at least `tokens` scored predictions (>= 1 window). */
  nextStep(tokens: number): Int32Array[] {
    const out: Int32Array[] = [];
    let scored = 0;
    do {
      const w = this.next();
      out.push(w);
      scored += w.length - 1;
    } while (scored < tokens);
    return out;
  }

  save(): DataCursor {
    return { ...this.cursor };
  }

  restore(c: DataCursor): void {
    this.cursor = { ...c };
    this.order = this.permutation(c.epoch);
  }
}

/** Split a step's windows into micro-batches of at most `per` windows. */
export function microBatches<X>(windows: X[], per: number): X[][] {
  const n = Math.max(1, Math.floor(per));
  const out: X[][] = [];
  for (let i = 0; i < windows.length; i += n) out.push(windows.slice(i, i + n));
  return out;
}
