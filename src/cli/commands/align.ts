/**
 * `symphony align SOURCE... --anchor N --calib DOMAIN=FILE ...`: calibrate on the given text,
 * align every source's FFN neurons to the anchor's, and print the permutations and the per-layer
 * diagnostics as JSON (or write them to --out).
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { permutationsChecksum, serializePermutations } from '../../core/export/permutations';
import { domainFiles, optChoice, optNumber, optString, UsageError } from '../args';
import type { Command } from '../command';
import { alignSources, calibrate, loadSources, type AlignMode } from '../pipeline';
import { readDocuments } from '../text';

export const align: Command = {
  name: 'align',
  summary: 'neuron permutations and alignment diagnostics (JSON)',
  usage: `Usage: symphony align SOURCE... --calib DOMAIN=FILE [--calib ...] [options]
  --anchor N               index of the anchor among the sources, from 0 (default 0)
  --calib DOMAIN=FILE      calibration text per domain (.txt: documents split at blank lines; .jsonl: "text" fields)
  --tokens-per-domain N    calibration tokens per domain (default 2048; equal share: trimmed to the smallest)
  --seq-len N              calibration window length (default 128)
  --partial F              fraction of matched pairs that move, (0, 1] (default 1)
  --chunk-windows N        windows per forward pass (default 8; host memory grows with it)
  --probe auto|moments|streamed  all-layer moments, or layer-streamed activations (default auto: by memory)
  --out FILE               write the JSON there instead of stdout
`,
  options: {
    anchor: {}, calib: { repeat: true }, 'tokens-per-domain': {}, 'seq-len': {}, partial: {}, 'chunk-windows': {}, probe: {}, out: {},
  },
  async run(env) {
    const { args, rep, io } = env;
    const refs = args.positionals;
    if (refs.length < 2) throw new UsageError('align needs at least two SOURCEs (the anchor and one more)');
    const anchor = optNumber(args, 'anchor', 0, { int: true, min: 0, max: refs.length - 1 });
    const calib = domainFiles(args, 'calib');
    if (calib.length === 0) throw new UsageError('align needs calibration text: --calib DOMAIN=FILE');
    const tokens = optNumber(args, 'tokens-per-domain', 2048, { int: true, min: 2 });
    const seqLen = optNumber(args, 'seq-len', 128, { int: true, min: 2 });
    const partial = optNumber(args, 'partial', 1, { min: 1e-9, max: 1 });
    const chunkWindows = optNumber(args, 'chunk-windows', 8, { int: true, min: 1 });
    const mode = optChoice<AlignMode>(args, 'probe', ['auto', 'moments', 'streamed'], 'auto');
    const out = optString(args, 'out');

    const loaded = await loadSources(refs, anchor, env.sourceOptions(), rep);
    const domains = [];
    for (const d of calib) domains.push({ name: d.name, documents: await readDocuments(d.file, io.cwd) });
    const cal = await calibrate(loaded, anchor, domains, tokens, seqLen, rep);
    const ctx = await env.stage();
    const t0 = performance.now();
    const r = await alignSources(loaded, anchor, cal.windows, { partial, chunkWindows, mode }, ctx, rep);
    const ids = loaded.checkpoints.map((c) => c.source.id);
    const permText = serializePermutations(r.match.perms, ids);
    const S = r.layerCka ? Math.round(Math.sqrt(r.layerCka.length)) : 0;
    const data = {
      anchor, mode: r.mode, tokens: r.tokens, seconds: (performance.now() - t0) / 1000,
      sources: loaded.checkpoints.map((c) => ({ id: c.source.id, revision: c.source.revision })),
      calibration: { seqLen: cal.seqLen, windows: cal.windows.length, domains: cal.domains, contentHash: cal.contentHash },
      layers: r.match.layers.map(({ sigma: _s, matched: _m, ...rest }) => rest),
      permutationsChecksum: await permutationsChecksum(permText),
      permutations: r.match.perms.map((layers) => layers.map((s) => (s ? [...s] : null))),
      layerCka: r.layerCka ? Array.from({ length: S }, (_, i) => [...r.layerCka!.subarray(i * S, (i + 1) * S)]) : null,
    };
    for (let m = 0; m < refs.length; m++) {
      const ls = r.match.layers.filter((x) => x.model === m);
      if (ls.length === 0) continue;
      const mean = (f: (x: (typeof ls)[number]) => number) => (ls.reduce((a, x) => a + f(x), 0) / ls.length).toFixed(3);
      rep.info(`${ids[m]} -> ${ids[anchor]}: mean matched correlation ${mean((x) => x.meanCorrBefore)} -> ${mean((x) => x.meanCorrAfter)}, fixed points ${mean((x) => x.fixedPoints)}`);
    }
    if (out) {
      await writeFile(resolve(io.cwd, out), `${JSON.stringify(data, null, 1)}\n`);
      rep.result('align', { written: out, permutationsChecksum: data.permutationsChecksum, mode: r.mode }, `wrote ${out}\n`);
    } else rep.result('align', data);
    return 0;
  },
};
