/**
 * Typed progress events of checkpoint loading and a transfer meter (bytes, speed, ETA) fed by the
 * byte readers. Events are plain objects so they cross a worker boundary as they are.
 */

export type LoadStage = 'resolving' | 'listing' | 'config' | 'tokenizer' | 'headers' | 'ready';

export interface StageEvent {
  type: 'stage';
  source: string;
  stage: LoadStage;
  message: string;
}

export interface DownloadEvent {
  type: 'download';
  source: string;
  file: string;
  /** Bytes of the current read done / its length. */
  loaded: number;
  total: number;
  /** All bytes this source has received over the network / served from the cache so far. */
  networkBytes: number;
  cacheBytes: number;
  /** Smoothed network speed, bytes per second. */
  bytesPerSecond: number;
  /** Seconds left for the current read at that speed (null before a speed is known). */
  etaSeconds: number | null;
  fromCache: boolean;
}

export interface RetryEvent {
  type: 'retry';
  source: string;
  file: string;
  attempt: number;
  delayMs: number;
  reason: string;
  /** Absolute byte offset the next request starts from (bytes before it are kept). */
  resumeFrom: number;
}

export type LoadEvent = StageEvent | DownloadEvent | RetryEvent;
export type ProgressCallback = (e: LoadEvent) => void;

/** Per-source byte counters and a smoothed speed (exponential moving average over ~1 s). */
export class TransferMeter {
  networkBytes = 0;
  cacheBytes = 0;
  private speed = 0;
  private lastT: number | null = null;
  private pending = 0;
  constructor(private readonly now: () => number = () => Date.now()) {}

  addNetwork(n: number): void {
    this.networkBytes += n;
    const t = this.now();
    if (this.lastT === null) {
      this.lastT = t;
      this.pending = n;
      return;
    }
    this.pending += n;
    const dt = (t - this.lastT) / 1000;
    if (dt >= 0.05) {
      const inst = this.pending / dt;
      const a = Math.min(1, dt);
      this.speed = this.speed === 0 ? inst : (1 - a) * this.speed + a * inst;
      this.pending = 0;
      this.lastT = t;
    }
  }

  addCache(n: number): void {
    this.cacheBytes += n;
  }

  get bytesPerSecond(): number {
    return this.speed;
  }

  eta(remaining: number): number | null {
    return this.speed > 0 ? remaining / this.speed : null;
  }
}
