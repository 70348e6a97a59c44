// Training throughput: our trainer on the CPU (f64 reference, single JS thread) and, when a GPU
// backend is handed in, on WebGPU (f32), vs PyTorch CPU training the same tiny Qwen2-MoE (same
// shapes, AdamW, clipping, LM + 0.01 load balancing), for the router-only and all-parameter
// scopes. Prints ours, peer, ratio (ours / peer).
// Run: npx tsx bench/train.bench.mjs   (CPU rows only: the WebGPU backend needs the WGSL imports
// that `npm run bench` resolves through Vite; PYTHON=... selects the peer's interpreter; default:
// the repository's .venv if present, else python3). The peer is skipped, with the reason, when
// torch or transformers cannot be imported. `npm run bench` registers runTrainBench's rows.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuTrainBackend } from '../src/core/train/cpu-train-backend.ts';
import { parseModelConfig } from '../src/model/config.ts';
import { randomWeights } from '../src/model/train/testing/random-model.ts';
import { Trainer } from '../src/model/train/trainer.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const TRAIN_HF = {
  model_type: 'qwen2_moe', vocab_size: 512, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2,
  num_attention_heads: 4, num_key_value_heads: 2, num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 64,
  shared_expert_intermediate_size: 64, norm_topk_prob: false, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false,
  decoder_sparse_step: 1, mlp_only_layers: [], hidden_act: 'silu', max_position_embeddings: 512,
};
const HF = TRAIN_HF;
const WINDOWS = 4;
const WINDOW = 64;

async function ours(scope, steps, backend = new CpuTrainBackend()) {
  const cfg = parseModelConfig(HF);
  const w = randomWeights(cfg, 1);
  const stream = Int32Array.from({ length: (steps + 2) * WINDOWS * WINDOW }, (_, i) => (i * 7919 + 13) % HF.vocab_size);
  const t = await Trainer.create(backend, w, [stream], {
    scope, steps: steps + 1, tokensPerStep: WINDOWS * (WINDOW - 1), windowLength: WINDOW, windowsPerMicroBatch: WINDOWS, lr: 1e-3,
  });
  await t.trainStep(); // warm-up (JIT)
  const t0 = performance.now();
  await t.run();
  return (steps * WINDOWS * WINDOW) / ((performance.now() - t0) / 1000);
}

function peer(steps, python) {
  const py = python ?? process.env.PYTHON ?? (existsSync(path.join(root, '.venv/bin/python')) ? path.join(root, '.venv/bin/python') : 'python3');
  const probe = spawnSync(py, ['-c', 'import torch, transformers'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { skipped: `${py} cannot import torch and transformers (${(probe.error?.message ?? probe.stderr).trim().split('\n').pop()})` };
  const r = spawnSync(py, [path.join(root, 'bench/train_peer.py'), JSON.stringify(HF), String(steps), String(WINDOWS), String(WINDOW)], { encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `the PyTorch peer failed: ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Both scopes, ours (CPU, then WebGPU when opts.gpu is given) then the peer (never at the same
 * time). Options: steps (default $BENCH_STEPS or 5), python (interpreter for the peer), peer:
 * false to skip it, gpu: async () => ({ backend, adapter, close }) opening a WebGPU TrainBackend.
 * Returns { model, tokensPerStep, steps, peer: {torch, threads} | null, skipped, adapter,
 * rows: [{scope, ours, gpu, peer}] } (gpu: tokens/s on WebGPU or null).
 */
export async function runTrainBench(opts = {}) {
  const steps = opts.steps ?? Number(process.env.BENCH_STEPS ?? 5);
  const mine = {};
  for (const scope of ['router', 'all']) mine[scope] = await ours(scope, steps);
  const onGpu = {};
  let adapter = null;
  if (opts.gpu) {
    const g = await opts.gpu();
    adapter = g.adapter;
    try {
      for (const scope of ['router', 'all']) onGpu[scope] = await ours(scope, steps, g.backend);
    } finally {
      g.close();
    }
  }
  const p = opts.peer === false ? { skipped: 'disabled' } : peer(steps, opts.python);
  return {
    model: `tiny Qwen2-MoE (hidden ${HF.hidden_size}, ${HF.num_hidden_layers} layers, ${HF.num_experts} experts top-${HF.num_experts_per_tok}, vocab ${HF.vocab_size})`,
    tokensPerStep: WINDOWS * WINDOW,
    steps,
    peer: p.skipped ? null : { torch: p.torch, threads: p.threads },
    skipped: p.skipped ?? null,
    adapter,
    rows: ['router', 'all'].map((scope) => ({ scope, ours: mine[scope], gpu: onGpu[scope] ?? null, peer: p.skipped ? null : p[scope] })),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const res = await runTrainBench();
  console.log(`${res.model}, ${WINDOWS} x ${WINDOW} tokens per step, ${res.steps} steps`);
  if (res.skipped) console.log(`PyTorch peer skipped: ${res.skipped}`);
  else console.log(`peer: torch ${res.peer.torch}, ${res.peer.threads} threads`);
  for (const r of res.rows) {
    const line = [`train tokens/s [${r.scope}]`, `ours ${r.ours.toFixed(0)}`];
    if (r.peer !== null) line.push(`peer ${r.peer.toFixed(0)}`, `ratio ${(r.ours / r.peer).toFixed(3)}`);
    console.log(line.join('  '));
  }
}
