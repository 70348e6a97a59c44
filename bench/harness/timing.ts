/**
 * Timing methodology shared by every benchmark: `warmup` untimed runs (pipeline compilation,
 * allocation, caches), then timed runs until at least `minRuns` and at most `maxRuns` are done
 * or `budgetMs` is spent; the figure is the median. Each timed run must include its own
 * completion (e.g. await queue.onSubmittedWorkDone()), so a sample is submit-to-completion.
 */

export interface TimingOptions {
  warmup?: number;
  minRuns?: number;
  maxRuns?: number;
  budgetMs?: number;
}

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function timeIt(fn: () => Promise<void>, opts: TimingOptions = {}): Promise<Timing> {
  const { warmup = 2, minRuns = 3, maxRuns = 15, budgetMs = 4000 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (
    samples.length < maxRuns &&
    (samples.length < minRuns || performance.now() - start < budgetMs)
  ) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), runs: samples.length };
}

export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}
