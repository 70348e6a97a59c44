// Types of bench/assign.bench.mjs for the TypeScript harness (bench/harness/assign.ts).
export type PythonProbe = { python: string; scipy: string } | { python: null; reason: string };

export interface AssignBenchRow {
  name: string;
  kind: string;
  n: number;
  seed: number;
  ours_ms: number;
  scipy_ms: number | null;
  ratio: number | null;
  optimum_equal: boolean | null;
  ours_cpu_ms: number;
  scipy_cpu_ms: number | null;
  cpu_ratio: number | null;
  certified: boolean;
  gap: number;
  objective: number;
  scipy_objective: number | null;
  same_permutation: boolean | null;
  peak_rss_mb: number;
  skipped: string | null;
  rounds: number;
}

export interface AssignBenchOptions {
  sizes?: number[];
  kinds?: string[];
  seed?: number;
  reps?: number;
  python?: false | PythonProbe;
  warm?: boolean;
  log?: (line: string) => void;
}

export interface ScipyResult {
  ms: number;
  cpu_ms: number;
  objective: number;
  checksum: number;
}

export function findPython(): PythonProbe;
export function runScipyPeer(py: PythonProbe, kind: string, n: number, seed: number, reps?: number): { scipy: ScipyResult | null; skipped: string | null };
export function runAssignBench(opts?: AssignBenchOptions): AssignBenchRow[];
