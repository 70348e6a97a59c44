/**
 * Training rows: tokens/s of our CPU trainer (src/model/train, f64 reference backend, one JS
 * thread) against PyTorch CPU (bench/train_peer.py, torch's default threads) training the same
 * tiny Qwen2-MoE with AdamW, clipping and the load-balancing loss, router-only and all
 * parameters. The measuring code is bench/train.bench.mjs (also runnable alone). Both scopes
 * of ours run first, then the peer; without torch + transformers the rows keep our figure.
 */
import { runTrainBench, type TrainBenchResult } from '../train.bench.mjs';
import type { Benchmark, Measurement } from './registry';

export function trainBenchmarks(): Benchmark[] {
  let res: Promise<TrainBenchResult> | null = null;
  const row = (scope: 'router' | 'all', label: string): Benchmark => ({
    name: `train ${label}`,
    unit: 'tokens/s',
    async run(): Promise<Measurement> {
      res ??= runTrainBench();
      const r = await res;
      const m = r.rows.find((x) => x.scope === scope);
      if (!m) throw new Error(`no ${scope} row in the training benchmark`);
      const peerName = r.peer ? `PyTorch ${r.peer.torch} ${r.peer.threads}T` : 'PyTorch';
      const note = r.skipped
        ? `peer skipped: ${r.skipped}`
        : `${r.model}, ${r.tokensPerStep} tokens/step, ${r.steps} steps after 1 warm-up; ours: f64 CPU reference, 1 thread`;
      return { ours: m.ours, peer: m.peer, peerName, note };
    },
  });
  return [row('router', 'router-only'), row('all', 'all-parameter')];
}
