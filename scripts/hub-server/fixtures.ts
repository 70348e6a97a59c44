/**
 * Fixture repositories for the local Hub server, written to a folder: three mergeable tiny
 * Qwen2-shaped models (different seeds and vocabularies; the "math" one with rope_theta 10000 as
 * Qwen2.5-Math has), a Llama-shaped one, a sharded one, gated and private copies, and one repo per
 * bad input (only .bin weights, only GGUF, a corrupt header, a missing shard, a broken
 * tokenizer.json). Tests build them in a temp dir; `cli.ts --fixtures` serves them for e2e runs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
  await put('bad/bad-tokenizer', without(() => false, [['tokenizer.json', new TextEncoder().encode('{"model": {"type": "BPE", "vocab": {')]]));
  return ids;
}
