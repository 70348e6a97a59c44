// Training throughput: our CPU trainer (f64 reference, single JS thread) vs PyTorch CPU training
// the same tiny Qwen2-MoE (same shapes, AdamW, clipping, LM + 0.01 load balancing), for the
// router-only and all-parameter scopes. Prints ours, peer, ratio (ours / peer).
// Run: npx tsx bench/train.bench.mjs   (PYTHON=... selects the peer's interpreter; default: the
// repository's .venv if present, else python3). The peer is skipped, with the reason, when
// torch or transformers cannot be imported.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CpuTrainBackend } from '../src/core/train/cpu-train-backend.ts';
import { parseModelConfig } from '../src/model/config.ts';
import { randomWeights } from '../src/model/train/testing/random-model.ts';
import { Trainer } from '../src/model/train/trainer.ts';

const HF = {
  model_type: 'qwen2_moe', vocab_size: 512, hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2,
  num_attention_heads: 4, num_key_value_heads: 2, num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 64,
  shared_expert_intermediate_size: 64, norm_topk_prob: false, rms_norm_eps: 1e-6, rope_theta: 10000, tie_word_embeddings: false,
  decoder_sparse_step: 1, mlp_only_layers: [], hidden_act: 'silu', max_position_embeddings: 512,
};
const STEPS = Number(process.env.BENCH_STEPS ?? 5);
const WINDOWS = 4;
const WINDOW = 64;

async function ours(scope) {
  const cfg = parseModelConfig(HF);
  const w = randomWeights(cfg, 1);
  const stream = Int32Array.from({ length: (STEPS + 2) * WINDOWS * WINDOW }, (_, i) => (i * 7919 + 13) % HF.vocab_size);
  const t = await Trainer.create(new CpuTrainBackend(), w, [stream], {
    scope, steps: STEPS + 1, tokensPerStep: WINDOWS * (WINDOW - 1), windowLength: WINDOW, windowsPerMicroBatch: WINDOWS, lr: 1e-3,
  });
  await t.trainStep(); // warm-up (JIT)
  const t0 = performance.now();
  await t.run();
  return (STEPS * WINDOWS * WINDOW) / ((performance.now() - t0) / 1000);
}

function peer() {
  const py = process.env.PYTHON ?? (existsSync('.venv/bin/python') ? '.venv/bin/python' : 'python3');
  const probe = spawnSync(py, ['-c', 'import torch, transformers'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { skipped: `${py} cannot import torch and transformers (${(probe.error?.message ?? probe.stderr).trim().split('\n').pop()})` };
  const r = spawnSync(py, ['bench/train_peer.py', JSON.stringify(HF), String(STEPS), String(WINDOWS), String(WINDOW)], { encoding: 'utf8' });
  if (r.status !== 0) return { skipped: `the PyTorch peer failed: ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const p = peer();
console.log(`tiny Qwen2-MoE (hidden ${HF.hidden_size}, ${HF.num_hidden_layers} layers, ${HF.num_experts} experts top-${HF.num_experts_per_tok}, vocab ${HF.vocab_size}), ${WINDOWS} x ${WINDOW} tokens per step, ${STEPS} steps`);
if (p.skipped) console.log(`PyTorch peer skipped: ${p.skipped}`);
else console.log(`peer: torch ${p.torch}, ${p.threads} threads`);
for (const scope of ['router', 'all']) {
  const o = await ours(scope);
  const line = [`train tokens/s [${scope}]`, `ours ${o.toFixed(0)}`];
  if (!p.skipped) line.push(`peer ${p[scope].toFixed(0)}`, `ratio ${(o / p[scope]).toFixed(3)}`);
  console.log(line.join('  '));
}
