/**
 * Export rows: MB/s of our Hugging Face export (src/core/export exportHf: config, safetensors
 * shard, recipe and model card, one tensor encoded and written at a time) of a seeded
 * Qwen2-MoE-shaped model, against Python safetensors writing the same tensors (same names and
 * shapes; bench/export_peer.py). MB = 1e6 bytes of tensor data as written (F32: 4 bytes per
 * value, BF16: 2). Rows: F32 to memory (ours: the in-memory folder sink; peer:
 * safetensors.numpy.save -> bytes), F32 to a folder (ours: the Node folder sink; peer:
 * save_file), BF16 to a folder (f32 -> bf16 conversion included on both sides; peer: torch
 * .to(bfloat16) + safetensors.torch.save_file). Both write to the same temporary file system.
 * Without Python + numpy + safetensors (or torch for BF16) the rows keep our figure alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportHf } from '../../src/core/export/hf-export';
import { exportedModelConfig, hfTensorPlan } from '../../src/core/export/hf-tensors';
import { memoryFolderSink, type ExportSink } from '../../src/core/export/sink';
import { Rng } from '../../src/core/rng';
import { nodeFolderSink } from '../../src/io/export/node-folder';
import type { ModelConfig } from '../../src/model/config';
import { MemoryWeights, type HostTensor } from '../../src/model/weights';
import type { Benchmark, Measurement } from './registry';
import { timeIt } from './timing';

/** About 63M parameters (250 MB in F32): big enough that fixed costs do not count. */
export const EXPORT_SIZE = {
  hidden: 512,
  layers: 4,
  heads: 8,
  kvHeads: 2,
  inter: 1024,
  experts: 8,
  topK: 2,
  vocab: 8192,
};

function exportModel(): MemoryWeights {
  const s = EXPORT_SIZE;
  const cfg: ModelConfig = {
    modelType: 'qwen2_moe',
    vocabSize: s.vocab,
    hiddenSize: s.hidden,
    intermediateSize: s.inter,
    numLayers: s.layers,
    numHeads: s.heads,
    numKvHeads: s.kvHeads,
    headDim: s.hidden / s.heads,
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
    ropeScaling: { type: 'default' },
    tieWordEmbeddings: false,
    attentionBias: true,
    slidingWindow: null,
    moe: {
      numExperts: s.experts,
      topK: s.topK,
      normTopkProb: false,
      expertIntermediateSize: s.inter,
      sharedExpertIntermediateSize: s.inter,
      sparseLayers: Array<boolean>(s.layers).fill(true),
    },
  };
  const rng = new Rng(5);
  const m = new Map<string, HostTensor>();
  for (const t of hfTensorPlan(exportedModelConfig(cfg).config)) {
    m.set(t.name, { data: rng.uniformArray(t.shape.reduce((a, b) => a * b, 1)), shape: t.shape });
  }
  return new MemoryWeights(cfg, m);
}

interface PeerResult {
  safetensors: string;
  torch: string | null;
  mb_s: Partial<Record<'memory' | 'folder' | 'folder16', number>>;
}

function runPeer(weights: MemoryWeights): PeerResult | { skipped: string } {
  const candidates = [
    process.env.PYTHON,
    join(process.cwd(), '.venv', 'bin', 'python'),
    'python3',
  ].filter((p): p is string => !!p && (!p.includes('/') || existsSync(p)));
  const reasons: string[] = [];
  const py = candidates.find((p) => {
    const r = spawnSync(p, ['-c', 'import numpy, safetensors'], { encoding: 'utf8' });
    if (r.status !== 0)
      reasons.push(
        `${p}: ${r.error?.message ?? r.stderr.trim().split('\n').pop() ?? 'import failed'}`,
      );
    return r.status === 0;
  });
  if (!py)
    return {
      skipped: `no Python with numpy and safetensors (${reasons.join('; ')}); set PYTHON to one`,
    };
  const dir = mkdtempSync(join(tmpdir(), 'symphony-export-peer-'));
  try {
    const planPath = join(dir, 'plan.json');
    const plan = hfTensorPlan(exportedModelConfig(weights.config).config).map((t) => ({
      name: t.name,
      shape: t.shape,
    }));
    writeFileSync(planPath, JSON.stringify(plan));
    const r = spawnSync(py, [join(process.cwd(), 'bench', 'export_peer.py'), planPath, '3'], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0)
      return {
        skipped: `the safetensors peer failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}`,
      };
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as PeerResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Mode = 'memory' | 'folder' | 'folder16';

export function exportBenchmarks(): Benchmark[] {
  let weights: MemoryWeights | null = null;
  let peer: (PeerResult | { skipped: string }) | null = null;
  const ours = new Map<Mode, number>();
  const modes: { mode: Mode; name: string; peerName: (p: PeerResult) => string }[] = [
    {
      mode: 'memory',
      name: 'export HF F32 to memory',
      peerName: (p) => `safetensors ${p.safetensors} save (bytes)`,
    },
    {
      mode: 'folder',
      name: 'export HF F32 to folder',
      peerName: (p) => `safetensors ${p.safetensors} save_file`,
    },
    {
      mode: 'folder16',
      name: 'export HF BF16 to folder',
      peerName: (p) => `torch ${p.torch ?? '?'} bf16 + save_file`,
    },
  ];
  const measure = async (mode: Mode): Promise<number> => {
    weights ??= exportModel();
    const w = weights;
    const dir = mode === 'memory' ? null : mkdtempSync(join(tmpdir(), 'symphony-export-bench-'));
    try {
      let bytes = 0;
      const once = async (): Promise<void> => {
        const sink: ExportSink = dir ? nodeFolderSink(dir) : memoryFolderSink();
        const s = await exportHf(sink, {
          weights: w,
          anchorConfig: { model_type: 'qwen2_moe' },
          dtype: mode === 'folder16' ? 'BF16' : 'F32',
        });
        bytes = s.tensorBytes;
      };
      // BF16 encoding runs about 1 MB/s today (one typed-array pair allocated per value in
      // f32ToBf16Bits): one timed run without warm-up keeps the default run within minutes.
      const timing =
        mode === 'folder16'
          ? { warmup: 0, minRuns: 1, maxRuns: 3, budgetMs: 8000 }
          : { warmup: 1, minRuns: 3, maxRuns: 5, budgetMs: 8000 };
      const t = await timeIt(once, timing);
      return bytes / 1e6 / (t.medianMs / 1000);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  };
  return modes.map(({ mode, name, peerName }) => ({
    name,
    unit: 'MB/s',
    async run(): Promise<Measurement> {
      // All of our modes first, then the peer (it needs the CPU and 2x the model's memory).
      for (const m of modes) if (!ours.has(m.mode)) ours.set(m.mode, await measure(m.mode));
      peer ??= runPeer(weights ?? exportModel());
      const o = ours.get(mode) ?? NaN;
      const bytes =
        hfTensorPlan(exportedModelConfig((weights ?? exportModel()).config).config).reduce(
          (a, t) => a + t.shape.reduce((x, y) => x * y, 1),
          0,
        ) * (mode === 'folder16' ? 2 : 4);
      const model = `seeded Qwen2-MoE (hidden ${EXPORT_SIZE.hidden}, ${EXPORT_SIZE.layers} layers, ${EXPORT_SIZE.experts} experts + shared), one shard`;
      if ('skipped' in peer)
        return {
          ours: o,
          peer: null,
          peerName: 'Python safetensors',
          note: `peer skipped: ${peer.skipped}`,
          details: { bytes },
        };
      const p = peer.mb_s[mode];
      return {
        ours: o,
        peer: p ?? null,
        peerName: peerName(peer),
        note:
          p === undefined
            ? 'peer skipped: torch is not importable (needed for bf16)'
            : `${model}; same temporary file system; ours: median of 3 after 1 warm-up (BF16: 1 run), peer: median of 3 after 1 warm-up`,
        details: { bytes },
      };
    },
  }));
}
