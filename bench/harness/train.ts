/**
 * Training rows: tokens/s of our trainer (src/model/train) on the CPU (f64 reference backend,
 * one JS thread) and on WebGPU (WebGpuTrainBackend, f32, the adapter at hand: Dawn in Node)
 * against PyTorch CPU (bench/train_peer.py, torch's default threads) training the same tiny
 * Qwen2-MoE with AdamW, clipping and the load-balancing loss, router-only and all parameters.
 * The measuring code is bench/train.bench.mjs (also runnable alone, CPU rows only). Ours run
 * first (CPU, then WebGPU with the device released afterwards), then the peer; without torch +
 * transformers the rows keep our figure.
 */
import { describeAdapter } from '../../src/gpu/capabilities';
import { acquireNodeGpu, releaseNodeGpu } from '../../src/gpu/node';
import { WebGpuTrainBackend } from '../../src/gpu/webgpu-train-backend';
import { runTrainBench, type TrainBenchResult, type TrainGpu } from '../train.bench.mjs';
import type { Benchmark, Measurement } from './registry';

async function openGpu(): Promise<TrainGpu> {
  const ctx = await acquireNodeGpu();
  return {
    backend: await WebGpuTrainBackend.create(ctx),
    adapter: describeAdapter(ctx.caps),
    close: () => {
      ctx.destroy();
      releaseNodeGpu();
    },
  };
}

export function trainBenchmarks(): Benchmark[] {
  let res: Promise<TrainBenchResult> | null = null;
  const row = (scope: 'router' | 'all', label: string, device: 'cpu' | 'gpu'): Benchmark => ({
    name: `train ${label}${device === 'gpu' ? ' WebGPU' : ''}`,
    unit: 'tokens/s',
    async run(): Promise<Measurement> {
      res ??= runTrainBench({ gpu: openGpu });
      const r = await res;
      const m = r.rows.find((x) => x.scope === scope);
      if (!m) throw new Error(`no ${scope} row in the training benchmark`);
      const ours = device === 'gpu' ? m.gpu : m.ours;
      if (ours === null) throw new Error('the WebGPU trainer did not run');
      const peerName = r.peer ? `PyTorch ${r.peer.torch} ${r.peer.threads}T` : 'PyTorch';
      const who = device === 'gpu' ? `WebGPU trainer (f32) on ${r.adapter ?? 'the adapter'}` : 'f64 CPU reference, 1 thread';
      const note = r.skipped
        ? `peer skipped: ${r.skipped}`
        : `${r.model}, ${r.tokensPerStep} tokens/step, ${r.steps} steps after 1 warm-up; ours: ${who}`;
      return { ours, peer: m.peer, peerName, note };
    },
  });
  return [row('router', 'router-only', 'cpu'), row('all', 'all-parameter', 'cpu'), row('router', 'router-only', 'gpu'), row('all', 'all-parameter', 'gpu')];
}
