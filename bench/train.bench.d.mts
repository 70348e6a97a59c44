// Types of bench/train.bench.mjs for the TypeScript harness (bench/harness/train.ts).
export const TRAIN_HF: Record<string, unknown>;

export interface TrainBenchResult {
  model: string;
  tokensPerStep: number;
  steps: number;
  peer: { torch: string; threads: number } | null;
  skipped: string | null;
  rows: { scope: 'router' | 'all'; ours: number; peer: number | null }[];
}

export function runTrainBench(opts?: {
  steps?: number;
  python?: string;
  peer?: false;
}): Promise<TrainBenchResult>;
