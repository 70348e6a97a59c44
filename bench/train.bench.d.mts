// Types of bench/train.bench.mjs for the TypeScript harness (bench/harness/train.ts).
export const TRAIN_HF: Record<string, unknown>;

export interface TrainBenchResult {
  model: string;
  tokensPerStep: number;
  steps: number;
  peer: { torch: string; threads: number } | null;
  skipped: string | null;
  /** The WebGPU adapter of the gpu rows, or null without opts.gpu. */
  adapter: string | null;
  /** ours: CPU trainer; gpu: the same trainer on WebGPU (null without opts.gpu). */
  rows: { scope: 'router' | 'all'; ours: number; gpu: number | null; peer: number | null }[];
}

export interface TrainGpu {
  backend: unknown;
  adapter: string;
  close(): void;
}

export function runTrainBench(opts?: {
  steps?: number;
  python?: string;
  peer?: false;
  gpu?: () => Promise<TrainGpu>;
}): Promise<TrainBenchResult>;
