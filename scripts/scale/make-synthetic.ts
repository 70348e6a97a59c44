/**
 * Synthetic checkpoints with exactly the shapes of real models, for scale tests of the pipeline
 * (memory and time), not for quality: random bf16 weights, sharded with an index like the Hub's
 * repositories, plus a tiny byte-level BPE tokenizer.json (its vocabulary is far smaller than the
 * embedding's 151936 rows; the rows beyond it are never looked up).
 *
 *   npx tsx scripts/scale/make-synthetic.ts --shape 0.5b --count 3 --out /tmp/synthetic
 *     -> /tmp/synthetic/qwen2.5-0.5b-0, -1, -2 (about 1 GB each; 1.5b: about 3.1 GB each)
 * Options: --seed N (default 0), --max-shard-mb N (default 500), --independent (no shared base).
 * By default the sources share a random base plus 10% per-source noise, like fine-tunes of one
 * base model (their neurons align near the identity); --independent draws each from scratch.
 */
import { open, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHfConfig } from '../../src/core/arch/config';
import { buildArchSpec } from '../../src/core/arch/spec';
import { buildHeader } from '../../src/core/formats/safetensors';
import { planShards } from '../../src/core/formats/safetensors-writer';
import { byteLevelBpeTokenizer, FIXTURE_WORDS } from '../../src/core/testing/fixture-models';
import { SCALE_SHAPES, scaleHfConfig, syntheticValue, uniformStream, type ScaleShape } from '../../src/model/testing/synthetic';

export async function writeSynthetic(dir: string, shape: ScaleShape, o: { seed: number; baseSeed: number | null; maxShardBytes: number }): Promise<void> {
  const s = SCALE_SHAPES[shape];
  const tok = byteLevelBpeTokenizer(FIXTURE_WORDS);
  const eot = (tok.added_tokens as { id: number }[])[0].id;
  const config = scaleHfConfig(shape, { eot });
  const spec = buildArchSpec(parseHfConfig(config, s.name));
  const tensors = spec.tensors.map((t) => ({ name: t.name, shape: t.shape, role: t.role, isBias: t.isBias }));
  const plan = planShards(tensors, 'BF16', o.maxShardBytes);
  await mkdir(dir, { recursive: true });
  const text = (x: unknown) => `${JSON.stringify(x, null, 2)}\n`;
  await writeFile(join(dir, 'config.json'), text(config));
  await writeFile(join(dir, 'generation_config.json'), text({ bos_token_id: eot, eos_token_id: eot }));
  await writeFile(join(dir, 'tokenizer.json'), text(tok));
  await writeFile(join(dir, 'tokenizer_config.json'), text({ model_max_length: 32768, eos_token: '<|endoftext|>', tokenizer_class: 'PreTrainedTokenizerFast' }));
  if (plan.index) await writeFile(join(dir, 'model.safetensors.index.json'), text(plan.index));
  const own = uniformStream(o.seed + 1);
  const base = o.baseSeed === null ? null : uniformStream(o.baseSeed + 1000);
  const CHUNK = 1 << 20;
  const f32 = new Float32Array(CHUNK);
  const u32 = new Uint32Array(f32.buffer);
  const out = new Uint16Array(CHUNK);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const file of plan.files) {
    const fh = await open(join(dir, file.file), 'w');
    const planned = file.tensors.map((t) => ({ name: t.name, shape: t.shape, numel: t.shape.reduce((a, b) => a * b, 1) }));
    await fh.write(buildHeader(planned, 'BF16'));
    for (const p of planned) {
      const t = byName.get(p.name)!;
      const norm = t.role.endsWith('norm');
      for (let done = 0; done < p.numel; done += CHUNK) {
        const n = Math.min(CHUNK, p.numel - done);
        for (let i = 0; i < n; i++) {
          f32[i] = syntheticValue(own(), base ? base() : null, norm);
          out[i] = u32[i] >>> 16;
        }
        await fh.write(new Uint8Array(out.buffer, 0, n * 2));
      }
    }
    await fh.close();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1]?.endsWith('make-synthetic.ts')) {
  const shape = (arg('shape') ?? '0.5b') as ScaleShape;
  const outDir = arg('out');
  if (!SCALE_SHAPES[shape] || !outDir) {
    console.error('usage: make-synthetic.ts --shape 0.5b|1.5b --out DIR [--count N] [--seed N] [--max-shard-mb N] [--independent]');
    process.exit(2);
  }
  const count = Number(arg('count') ?? 1);
  const seed = Number(arg('seed') ?? 0);
  const maxShardBytes = Number(arg('max-shard-mb') ?? 500) * 1e6;
  for (let i = 0; i < count; i++) {
    const dir = join(outDir, `${SCALE_SHAPES[shape].name}-${i}`);
    const t0 = performance.now();
    await writeSynthetic(dir, shape, { seed: seed + i, baseSeed: process.argv.includes('--independent') ? null : seed, maxShardBytes });
    console.log(`wrote ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
