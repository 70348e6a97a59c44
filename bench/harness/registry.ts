/**
 * The benchmark registry. A benchmark is {name, unit, run()}; run() measures our figure and one
 * peer's figure in the same process and returns both. Rows are plain JSON so that the browser
 * page, the Node runner and the printer share them. Later rows (forward tokens/s, assignment
 * vs scipy, training vs PyTorch) are added by registering more benchmarks in a suite.
 */

export type Env = 'node' | 'chromium';

/** Units whose larger figures are better; every other unit (ms, s, bytes) is lower-is-better. */
const HIGHER_IS_BETTER = new Set(['GFLOP/s', 'tokens/s', 'items/s', 'samples/s', 'GB/s']);

export function higherIsBetter(unit: string): boolean {
  return HIGHER_IS_BETTER.has(unit);
}

export interface Measurement {
  ours: number;
  /** The peer's figure; null when the peer could not run here (see note). */
  peer: number | null;
  peerName: string;
  /** What the figures include, or why the peer is missing. */
  note?: string;
}

export interface Benchmark {
  name: string;
  unit: string;
  run(): Promise<Measurement>;
}

export interface BenchRow extends Measurement {
  env: Env;
  name: string;
  unit: string;
  /** ours / peer for higher-is-better units, peer / ours otherwise: > 1 means we are ahead. */
  ratio: number | null;
  error?: string;
}

export function ratioOf(unit: string, ours: number, peer: number | null): number | null {
  if (peer === null || !(peer > 0) || !(ours > 0)) return null;
  return higherIsBetter(unit) ? ours / peer : peer / ours;
}

export interface RunOptions {
  /** Only benchmarks whose name contains one of these substrings. */
  filter?: string[];
  onRow?: (row: BenchRow) => void;
}

/** Run benchmarks one after another; a failing benchmark becomes a row with `error`. */
export async function runBenchmarks(
  env: Env,
  list: Benchmark[],
  opts: RunOptions = {},
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const b of list) {
    if (opts.filter?.length && !opts.filter.some((f) => b.name.includes(f))) continue;
    let row: BenchRow;
    try {
      const m = await b.run();
      row = { env, name: b.name, unit: b.unit, ...m, ratio: ratioOf(b.unit, m.ours, m.peer) };
    } catch (e) {
      const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      row = {
        env,
        name: b.name,
        unit: b.unit,
        ours: NaN,
        peer: null,
        peerName: '-',
        ratio: null,
        error: msg,
      };
    }
    rows.push(row);
    opts.onRow?.(row);
  }
  return rows;
}
