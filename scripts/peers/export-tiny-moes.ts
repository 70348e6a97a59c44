// Exports the tiny merged MoEs of src/merge/testing/tiny-moes.ts (f32) to <out>/<name>/ plus one
// ZIP archive and an ONNX model per MoE (<out>/<name>.onnx; qwen2_moe_shared also with its weights
// as external data, <out>/external/<name>.onnx + .onnx.data), and writes <out>/ours.json with our
// CPU engine's logits on the check tokens.
// Run by scripts/python-checks.mjs through tsx: npx tsx scripts/peers/export-tiny-moes.ts <out>
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CpuBackend } from '../../src/core/cpu-backend';
import { exportHf } from '../../src/core/export/hf-export';
import { exportOnnx } from '../../src/core/onnx/transformer-graph';
import { zipSink } from '../../src/core/export/sink';
import { defaultRecipe } from '../../src/core/recipe/recipe';
import { nodeFileSink, nodeFolderSink } from '../../src/io/export/node-folder';
import { CHECK_TOKENS, TINY_MOES, tinyMoe } from '../../src/merge/testing/tiny-moes';
import { Transformer } from '../../src/model/transformer';

const out = process.argv[2];
if (!out) throw new Error('usage: export-tiny-moes.ts <output folder>');
const ours: Record<string, { tokens: number[]; logits: number[]; vocab: number }> = {};
for (const name of TINY_MOES) {
  const m = await tinyMoe(name);
  const opts = {
    weights: m.weights,
    anchorConfig: m.anchorConfig,
    recipe: defaultRecipe([{ id: 'fixture/anchor', revision: '0'.repeat(40) }, { id: 'fixture/other', revision: '1'.repeat(40) }]),
    permutations: m.perms,
    maxShardBytes: name === 'qwen2_moe_shared' ? 50_000 : undefined,
  };
  await exportHf(nodeFolderSink(join(out, name)), opts);
  if (name === 'mixtral') await exportHf(zipSink(await nodeFileSink(join(out, `${name}.zip`)), name), opts);
  writeFileSync(join(out, `${name}.onnx`), await exportOnnx(m.weights, { maxPositions: 32 }));
  if (name === 'qwen2_moe_shared') {
    const dir = join(out, 'external');
    mkdirSync(dir, { recursive: true });
    const data = join(dir, `${name}.onnx.data`);
    writeFileSync(data, new Uint8Array(0));
    const model = await exportOnnx(m.weights, {
      maxPositions: 32,
      external: { location: `${name}.onnx.data`, write: (c) => Promise.resolve(appendFileSync(data, c)) },
    });
    writeFileSync(join(dir, `${name}.onnx`), model);
  }
  const lg = (await new Transformer(new CpuBackend(), m.weights).logits(Int32Array.from(CHECK_TOKENS))).logits;
  ours[name] = { tokens: CHECK_TOKENS, logits: Array.from(lg), vocab: m.weights.config.vocabSize };
}
writeFileSync(join(out, 'ours.json'), JSON.stringify(ours));
console.log(`exported ${TINY_MOES.join(', ')} to ${out}`);
