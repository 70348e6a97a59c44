/**
 * `symphony merge RECIPE.json --out DIR`: the whole pipeline from a recipe file (recipe-run.ts),
 * writing the Hugging Face export (config.json, safetensors shards + index, tokenizer files,
 * recipe.json with the revisions and calibration hash used, permutations.json, README.md).
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '../../core/errors';
import { optChoice, optNumber, optString, UsageError } from '../args';
import type { Command } from '../command';
import { fmtBytes } from '../output';
import type { AlignMode } from '../pipeline';
import { runRecipe } from '../recipe-run';

export const merge: Command = {
  name: 'merge',
  summary: 'run a recipe file end to end and write the HF export',
  usage: `Usage: symphony merge RECIPE.json --out DIR [options]
  RECIPE.json: sources (folders relative to the recipe, demo/<name>, or Hub IDs at their revisions),
  anchor, backbone, calibration domains ({"name", "source": text file relative to the recipe or
  "demo:<domain>", "tokens"}), alignment, moe, router, training (steps 0 = no training), export.
  --out DIR              output folder (must be empty or missing unless --force)
  --force                write into a non-empty folder
  --dtype f32|bf16       override the recipe's export dtype
  --max-shard-mb N       largest safetensors shard (default 2000)
  --probe auto|moments|streamed  alignment memory strategy (default auto)
  --chunk-windows N      calibration windows per forward pass (default 8)
  --onnx                 also write the merged model as DIR/model.onnx (f32; weights over 2 GiB in
                         DIR/model.onnx.data)
  --max-positions N      with --onnx: longest sequence the ONNX model takes (default 2048)
`,
  options: { out: {}, force: { kind: 'switch' }, dtype: {}, 'max-shard-mb': {}, probe: {}, 'chunk-windows': {}, onnx: { kind: 'switch' }, 'max-positions': {} },
  async run(env) {
    const { args, rep, io } = env;
    if (args.positionals.length !== 1) throw new UsageError('merge takes exactly one RECIPE.json');
    const out = optString(args, 'out');
    if (!out) throw new UsageError('merge needs --out DIR');
    const dtype = args.values.has('dtype') ? optChoice(args, 'dtype', ['f32', 'bf16'] as const, 'f32') : undefined;
    const maxShardMb = optNumber(args, 'max-shard-mb', 2000, { min: 0.001 });
    const probe = optChoice<AlignMode>(args, 'probe', ['auto', 'moments', 'streamed'], 'auto');
    const chunkWindows = optNumber(args, 'chunk-windows', 8, { int: true, min: 1 });
    const onnx = args.switches.has('onnx') ? { maxPositions: optNumber(args, 'max-positions', 2048, { int: true, min: 1, max: 1 << 20 }) } : undefined;
    const outDir = resolve(io.cwd, out);
    let existing: string[] = [];
    try {
      existing = readdirSync(outDir);
    } catch {
      existing = [];
    }
    if (existing.length > 0 && !args.switches.has('force')) throw new InvalidArgumentError(`The output folder ${out} is not empty; choose another folder or pass --force.`);
    const ctx = await env.stage();
    const t0 = performance.now();
    const s = await runRecipe(
      {
        recipePath: resolve(io.cwd, args.positionals[0]), outDir, dtype, maxShardBytes: Math.round(maxShardMb * 1e6), probe, chunkWindows, onnx,
        trainBackend: async () => (await env.backend()).trainBackend(),
      },
      (baseDir) => env.sourceOptions(baseDir), ctx, rep,
    );
    const seconds = (performance.now() - t0) / 1000;
    const text = [
      `wrote ${out}: ${s.export.files.length} files, ${fmtBytes(s.export.tensorBytes)} of tensors in ${s.export.shards} shard(s) (${seconds.toFixed(1)} s)`,
      ...(s.alignment ? [`alignment (${s.alignment.mode}, ${s.alignment.tokens} tokens), permutations checksum ${s.export.permutationsChecksum ?? '-'}`] : ['alignment: off']),
      ...(s.training ? [`training: ${s.training.steps} steps, LM loss ${s.training.lmLoss.toFixed(4)}`] : []),
      ...(s.onnx ? [`onnx: ${s.onnx.file} (${fmtBytes(s.onnx.bytes)})`] : []),
    ].join('\n');
    rep.result('merge', { ...s, seconds }, `${text}\n`);
    return 0;
  },
};
