/**
 * `symphony export-onnx MODEL --out FILE.onnx`: any dense or MoE checkpoint (a folder such as a
 * `merge` output, demo/<name>, a Hub ID) as an ONNX file (opset 17; input_ids int64 [1, T] ->
 * logits f32 [1, T, V]) that onnxruntime (web, node, python) and transformers.js run; weights
 * over 2 GiB (or with --external-data) go to FILE.data beside it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '../../core/errors';
import { optNumber, optString, UsageError } from '../args';
import type { Command } from '../command';
import { writeOnnxFile } from '../onnx';
import { fmtBytes } from '../output';
import { cacheBudget } from '../pipeline';
import { openSourceArg, weightsOf } from '../sources';

export const exportOnnxCommand: Command = {
  name: 'export-onnx',
  summary: 'write a model as an ONNX file (f32, opset 17)',
  usage: `Usage: symphony export-onnx MODEL --out FILE.onnx [options]
  MODEL: a model folder (dense or MoE, e.g. a merge output), demo/<name>, or a Hub model ID.
  --out FILE             the ONNX file to write (input_ids int64 [1, T] -> logits f32 [1, T, V])
  --force                overwrite FILE when it exists
  --max-positions N      longest sequence the model takes (RoPE tables; default 2048)
  --external-data        weights in FILE.data beside FILE (ONNX external data); automatic when
                         the f32 weights exceed 2 GiB, one protobuf file's limit
`,
  options: { out: {}, force: { kind: 'switch' }, 'max-positions': {}, 'external-data': { kind: 'switch' } },
  async run(env) {
    const { args, rep, io } = env;
    if (args.positionals.length !== 1) throw new UsageError('export-onnx takes exactly one MODEL');
    const out = optString(args, 'out');
    if (!out) throw new UsageError('export-onnx needs --out FILE.onnx');
    const maxPositions = optNumber(args, 'max-positions', 2048, { int: true, min: 1, max: 1 << 20 });
    const path = resolve(io.cwd, out);
    if ((existsSync(path) || existsSync(`${path}.data`)) && !args.switches.has('force')) throw new InvalidArgumentError(`${out} (or ${out}.data) exists; choose another file or pass --force.`);
    const ckpt = await openSourceArg(args.positionals[0], env.sourceOptions());
    const t0 = performance.now();
    const externalData = args.switches.has('external-data') ? true : undefined;
    const r = await writeOnnxFile(weightsOf(ckpt, cacheBudget(1)), path, { maxPositions, signal: io.signal, externalData }, rep);
    const seconds = (performance.now() - t0) / 1000;
    const data = { model: ckpt.source.id, out: r.file, dataFile: r.dataFile, bytes: r.bytes, maxPositions, seconds };
    const where = r.dataFile ? `${out} + ${out}.data` : out;
    rep.result('export-onnx', data, `wrote ${where}: ${fmtBytes(r.bytes)} (${ckpt.source.id}, up to ${maxPositions} positions, ${seconds.toFixed(1)} s)\n`);
    return 0;
  },
};
