// The CLI's ONNX output (`export-onnx`, `merge --onnx`) run under onnxruntime-web (wasm, in
// Node): its logits equal the engine's (`symphony run`, CPU backend) within 1e-3, with the
// weights inside the model or in an external data file.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../core/testing/compare';
import { moeConfig } from '../merge/moe-config';
import { loadFixture } from '../model/testing/fixtures';
import { needsExternalData } from '../core/onnx/external-data';
import { cli, CPU, DEMO, demoRecipe } from './testing/run-cli';

const IDS = [5, 17, 42, 7];
const TOL = 1e-3;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'symphony-cli-onnx-'));
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Next-token logits after IDS from the ONNX file (the last position of [1, T, V]). */
async function ortNext(file: string, dataFile?: string): Promise<Float32Array> {
  const externalData = dataFile ? [{ path: basename(dataFile), data: new Uint8Array(await readFile(dataFile)) }] : undefined;
  const s = await ort.InferenceSession.create(new Uint8Array(await readFile(file)), { executionProviders: ['wasm'], externalData });
  try {
    const out = await s.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(IDS.map(BigInt)), [1, IDS.length]) });
    const [, T, V] = out.logits.dims;
    expect(T).toBe(IDS.length);
    return (out.logits.data as Float32Array).slice((T - 1) * V, T * V);
  } finally {
    await s.release();
  }
}

/** Next-token logits after IDS from the engine, through `symphony run`. */
async function engineNext(model: string): Promise<Float32Array> {
  const r = await cli(['run', model, '--ids', IDS.join(','), '--demo-dir', DEMO, '--json', '-q', ...CPU]);
  expect(r.code, r.err).toBe(0);
  return Float32Array.from((r.last.data as { logits: number[] }).logits);
}

describe('ONNX from the CLI', () => {
  it('export-onnx writes a dense model whose ORT logits equal the engine\'s', async () => {
    const file = join(tmp, 'code.onnx');
    const r = await cli(['export-onnx', 'demo/code', '--out', file, '--max-positions', '64', '--demo-dir', DEMO, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.last.data).toMatchObject({ model: 'code', maxPositions: 64 });
    expect(existsSync(file)).toBe(true);
    expect((r.last.data as { bytes: number }).bytes).toBe((await readFile(file)).length);
    expect(maxAbsDiff(await ortNext(file), await engineNext('demo/code'))).toBeLessThanOrEqual(TOL);
    // Refuses to overwrite; usage errors exit 2.
    const again = await cli(['export-onnx', 'demo/code', '--out', file, '--demo-dir', DEMO]);
    expect([again.code, again.err]).toEqual([1, expect.stringContaining('exists; choose another file or pass --force')]);
    expect((await cli(['export-onnx', 'demo/code'])).err).toMatch(/needs --out/);
    expect((await cli(['export-onnx', 'demo/code', '--out', file, '--max-positions', '0'])).code).toBe(2);
  });

  it('merge --onnx writes model.onnx next to the HF export; ORT logits equal the engine\'s on the export', async () => {
    const base = demoRecipe();
    const recipe = demoRecipe({
      calibration: { ...base.calibration, domains: [{ name: 'code', source: 'demo:code', tokens: 64 }, { name: 'prose', source: 'demo:prose', tokens: 64 }] },
      moe: { ...base.moe, sharedExpert: 'aligned-mean' },
      training: { ...base.training, steps: 0 },
    });
    const path = join(tmp, 'recipe.json');
    await writeFile(path, JSON.stringify(recipe));
    const out = join(tmp, 'moe');
    const r = await cli(['merge', path, '--out', out, '--onnx', '--max-positions', '32', '--demo-dir', DEMO, '--json', ...CPU]);
    expect(r.code, r.err + r.out).toBe(0);
    const onnx = (r.last.data as { onnx: { file: string; bytes: number } }).onnx;
    expect(onnx.file).toBe(join(out, 'model.onnx'));
    expect(existsSync(onnx.file)).toBe(true);
    expect(r.out.split('\n').some((l) => l.includes('"stage":"onnx"'))).toBe(true);
    expect(maxAbsDiff(await ortNext(onnx.file), await engineNext(out))).toBeLessThanOrEqual(TOL);
  });

  it('--external-data puts the weights in FILE.data; ORT logits are the same', async () => {
    const file = join(tmp, 'code-ext.onnx');
    const r = await cli(['export-onnx', 'demo/code', '--out', file, '--max-positions', '64', '--external-data', '--demo-dir', DEMO, '--json']);
    expect(r.code, r.err).toBe(0);
    const d = r.last.data as { out: string; dataFile: string; bytes: number };
    expect(d.dataFile).toBe(`${file}.data`);
    const [model, data] = [await readFile(file), await readFile(d.dataFile)];
    expect(d.bytes).toBe(model.length + data.length);
    const inline = await readFile(join(tmp, 'code.onnx'));
    expect(model.length).toBeLessThan(inline.length / 10); // the graph and small tensors only
    expect(data.length).toBeGreaterThan(inline.length * 0.9);
    expect(maxAbsDiff(await ortNext(file, d.dataFile), await ortNext(join(tmp, 'code.onnx')))).toBe(0);
    const again = await cli(['export-onnx', 'demo/code', '--out', file, '--demo-dir', DEMO]);
    expect([again.code, again.err]).toEqual([1, expect.stringContaining('exists; choose another file or pass --force')]);
  });

  it('chooses external data when the f32 weights exceed one ONNX file', () => {
    // Qwen2.5-0.5B's shapes: 494M parameters (1.98 GB in f32) fit; three experts of it do not.
    const dense = { ...loadFixture('qwen2').config, vocabSize: 151936, hiddenSize: 896, intermediateSize: 4864, numLayers: 24, numHeads: 14, numKvHeads: 2, headDim: 64, tieWordEmbeddings: true };
    expect(needsExternalData(dense)).toBe(false);
    const moe = moeConfig(dense, { experts: [0, 1, 2], topK: 2, normTopkProb: false, sharedExpert: 'none' });
    expect(needsExternalData(moe)).toBe(true);
  });
});
