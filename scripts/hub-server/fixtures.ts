/**
 * Fixture repositories for the local Hub server, written to a folder: three mergeable tiny
 * Qwen2-shaped models (different seeds and vocabularies; the "math" one with rope_theta 10000 as
 * Qwen2.5-Math has), a Llama-shaped one, a sharded one, gated and private copies, and one repo per
 * bad input (only .bin weights, only GGUF, a corrupt header, a missing shard, a broken
 * tokenizer.json), and dataset repos for calibration text (a public one with a parquet, a jsonl
 * and a txt file, a private copy, one with no text file). Tests build them in a temp dir; `cli.ts --fixtures` serves them for e2e runs.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureModelFiles, FIXTURE_WORDS, type FixtureModelOptions } from '../../src/core/testing/fixture-models';

export async function writeRepo(root: string, id: string, files: ReadonlyMap<string, Uint8Array>, meta?: Record<string, unknown>): Promise<void> {
  const dir = join(root, ...id.split('/'));
  for (const [path, bytes] of files) {
    const abs = join(dir, ...path.split('/'));
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, bytes);
  }
  if (meta) await writeFile(join(dir, '.hub.json'), JSON.stringify(meta));
}

export const FIXTURE_TOKEN = 'hf_fixtureTokenForLocalTestsOnly0001';

export const FIXTURE_MODELS: Record<string, FixtureModelOptions> = {
  'fixtures/qwen-base': { seed: 1 },
  'fixtures/qwen-code': { seed: 2, words: [...FIXTURE_WORDS, ' function', ' const', ' =>'] },
  'fixtures/qwen-math': { seed: 3, ropeTheta: 10000, words: [...FIXTURE_WORDS, ' sum', ' 3', ' 4'] },
  'fixtures/llama-tiny': { seed: 4, family: 'llama', dtype: 'F16' },
  'fixtures/qwen-sharded': { seed: 5, maxShardBytes: 4096, dtype: 'F32' },
};

/** Write every fixture repository under `root`; returns the repo ids. */
export async function writeFixtureRepos(root: string): Promise<string[]> {
  const ids: string[] = [];
  const put = async (id: string, files: ReadonlyMap<string, Uint8Array>, meta?: Record<string, unknown>) => {
    await writeRepo(root, id, files, meta);
    ids.push(id);
  };
  for (const [id, o] of Object.entries(FIXTURE_MODELS)) await put(id, fixtureModelFiles(o));
  const base = fixtureModelFiles({ seed: 1 });
  await put('gated/qwen-base', base, { gated: 'manual', tokens: [FIXTURE_TOKEN] });
  await put('private/qwen-base', base, { private: true, tokens: [FIXTURE_TOKEN] });

  const without = (drop: (p: string) => boolean, extra: [string, Uint8Array][] = []) => new Map([...[...base].filter(([p]) => !drop(p)), ...extra]);
  const isWeights = (p: string) => p.endsWith('.safetensors') || p.endsWith('.index.json');
  await put('bad/bin-only', without(isWeights, [['pytorch_model.bin', new Uint8Array(64)]]));
  await put('bad/gguf-only', without(isWeights, [['model-q4_k_m.gguf', new TextEncoder().encode('GGUF')]]));
  const corrupt = base.get('model.safetensors')!.slice();
  corrupt.set(new TextEncoder().encode('{{{{'), 8);
  await put('bad/corrupt-header', without(() => false, [['model.safetensors', corrupt]]));
  const sharded = fixtureModelFiles({ seed: 5, maxShardBytes: 4096, dtype: 'F32' });
  const lastShard = [...sharded.keys()].filter((p) => p.endsWith('.safetensors')).sort().at(-1)!;
  sharded.delete(lastShard);
  await put('bad/missing-shard', sharded);
  for (const [id, files, meta] of await fixtureDatasets()) await put(`datasets/${id}`, files, meta);
  await put('bad/bad-tokenizer', without(() => false, [['tokenizer.json', new TextEncoder().encode('{"model": {"type": "BPE", "vocab": {')]]));
  return ids;
}

/** The committed parquet fixture (written by make-dataset-fixture.mjs). */
export function calibrationParquet(): Promise<Uint8Array> {
  return readFile(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'calibration.parquet'));
}

/** The jsonl fixture: a "content" string field (no "text"), an id and one line that is not JSON. */
export const FIXTURE_JSONL = [
  '{"id": 1, "content": "the first note is about the river"}',
  '{"id": 2, "content": "the second note is about the bridge", "lang": "en"}',
  'not json',
  '{"id": 3, "content": ""}',
  '{"id": 4, "content": "the last note is about the town"}',
].join('\n') + '\n';

/** Dataset repos (ids without the datasets/ prefix), their files and access. */
export async function fixtureDatasets(): Promise<[string, Map<string, Uint8Array>, Record<string, unknown> | undefined][]> {
  const enc = (t: string) => new TextEncoder().encode(t);
  const files = new Map<string, Uint8Array>([
    ['README.md', enc('# Calibration text fixture\n')],
    ['data/train.parquet', await calibrationParquet()],
    ['data/notes.jsonl', enc(FIXTURE_JSONL)],
    ['data/story.txt', enc('Once upon a time there was a river.\nIt ran past the old town.\n')],
  ]);
  return [
    ['fixtures/calib-text', files, undefined],
    ['private-data/calib-text', files, { private: true, tokens: [FIXTURE_TOKEN] }],
    ['fixtures/no-text', new Map([['README.md', enc('# nothing to read\n')], ['data/images.bin', new Uint8Array(16)]]), undefined],
  ];
}
