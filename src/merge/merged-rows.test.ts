// Row-block access of the merged model (the export's bounded-memory path): source tables read by
// byte range, the embedding / lm_head merge in row blocks, and the HF export written block by
// block, all bit-identical to the whole-tensor path (same vocabulary and vocabulary union).
import { describe, expect, it } from 'vitest';
import { exportHf } from '../core/export/hf-export';
import { memoryFolderSink } from '../core/export/sink';
import { bytesReader, countingReader } from '../core/formats/range-reader';
import { serializeSafetensors } from '../core/formats/safetensors';
import { TensorSet } from '../core/formats/safetensors-index';
import { memorySink, SafetensorsStreamWriter } from '../core/formats/safetensors-writer';
import { rowBlocks } from '../core/formats/tensor-rows';
import { linearMean } from '../core/fusion/interpolate';
import { Rng } from '../core/rng';
import { TensorSetWeights } from '../io/export/reimport';
import { loadFixture } from '../model/testing/fixtures';
import { ffnNames, type WeightProvider } from '../model/weights';
import { modelArchSpec, permuteFfn } from './ffn-permute';
import { MergedWeights, type BackboneRule, type MergeSpec } from './merged-weights';

const EMBED = 'model.embed_tokens.weight';
const HEAD = 'lm_head.weight';

/** Two fixture sources (Llama: untied embedding and lm_head) as lazily read safetensors. */
async function sources(fixture: 'llama' | 'qwen2' = 'llama'): Promise<{ ws: TensorSetWeights[]; readers: ReturnType<typeof countingReader>[] }> {
  const base = await loadFixture(fixture).weights.toMemory();
  const rng = new Rng(11);
  const readers = [0, 1].map((k) => {
    const tensors = [...base.tensors].map(([name, t]) => ({ name, shape: t.shape, data: k === 0 ? t.data : Float32Array.from(t.data, (v) => v + 0.05 * rng.normal()) }));
    return countingReader(bytesReader(serializeSafetensors(tensors, 'BF16')));
  });
  const ws = await Promise.all(readers.map(async (r) => new TensorSetWeights(base.config, await TensorSet.single(r))));
  return { ws, readers };
}

function spec(H: number, rule: BackboneRule, vocab: MergeSpec['vocab']): MergeSpec {
  const rng = new Rng(2);
  const router = rng.normalArray(2 * H);
  return {
    anchor: 0, backbone: { rule, slerpT: 0.5, weights: rule === 'linear' ? [3, 1] : undefined },
    layout: { experts: [0, 1], topK: 1, normTopkProb: false, sharedExpert: 'none' }, vocab, router: () => router,
  };
}

/** A union of V + extra tokens: source 1's ids are shuffled, it lacks `extra` of source 0's tokens and has `extra` of its own. */
function union(V: number, extra: number): NonNullable<MergeSpec['vocab']> {
  const perm = new Rng(6).permutation(V);
  return {
    size: V + extra,
    fromUnion: [
      Int32Array.from({ length: V + extra }, (_, u) => (u < V ? u : -1)),
      Int32Array.from({ length: V + extra }, (_, u) => (u < V - extra ? perm[u] : u < V ? -1 : perm[u - extra])),
    ],
  };
}

async function concatBlocks(wp: WeightProvider, name: string, block: number): Promise<Float32Array> {
  const rows = await wp.tensorRows!(name);
  const values: number[] = [];
  for await (const p of rowBlocks(rows, block)) values.push(...p);
  return Float32Array.from(values);
}

async function* inParts(...parts: Float32Array[]): AsyncGenerator<Float32Array> {
  for (const p of parts) yield await Promise.resolve(p);
}

/** The same merged model without row access: the exporter falls back to whole tensors. */
const wholeOnly = (m: MergedWeights): WeightProvider => ({ config: m.config, getTensor: (n) => m.getTensor(n) });

describe('row-block access of the merged model', () => {
  it('reads source rows by byte range and decodes them like the whole tensor', async () => {
    const { ws, readers } = await sources();
    const whole = await ws[1].getTensor(EMBED);
    const H = whole.shape[1];
    const rows = await ws[1].tensorRows(EMBED);
    readers[1].reads.length = 0;
    expect(await rows.read(5, 9)).toEqual(whole.data.subarray(5 * H, 14 * H));
    const entry = ws[1].tensors.entry(EMBED);
    expect(readers[1].reads).toEqual([[entry.begin + 5 * H * 2, entry.begin + 14 * H * 2]]);
    await expect(rows.read(whole.shape[0] - 1, 2)).rejects.toThrow(/has \d+ rows/);
  });

  for (const [label, rule, withUnion] of [
    ['same vocabulary, symphony', 'symphony', false], ['same vocabulary, weighted linear', 'linear', false],
    ['vocabulary union, symphony', 'symphony', true], ['vocabulary union, anchor backbone', 'anchor', true],
  ] as const) {
    it(`${label}: embedding and lm_head in row blocks equal the whole-table merge, and so does the export`, async () => {
      const { ws } = await sources();
      const V = ws[0].config.vocabSize;
      const H = ws[0].config.hiddenSize;
      const m = new MergedWeights(ws, spec(H, rule, withUnion ? union(V, 24) : null));
      for (const name of [EMBED, HEAD]) {
        const whole = await m.getTensor(name);
        expect(whole.shape).toEqual([withUnion ? V + 24 : V, H]);
        for (const block of [H, 7 * H, 1000 * H]) expect(await concatBlocks(m, name, block)).toEqual(whole.data);
      }
      const a = memoryFolderSink();
      const b = memoryFolderSink();
      const opts = { anchorConfig: loadFixture('llama').rawConfig, dtype: 'BF16' as const };
      await exportHf(a, { ...opts, weights: m, blockElements: 5 * H });
      await exportHf(b, { ...opts, weights: wholeOnly(m) });
      expect([...a.files.keys()]).toEqual([...b.files.keys()]);
      for (const [name, bytes] of a.files) expect(bytes, name).toEqual(b.files.get(name));
    });
  }

  it('the writer takes a tensor in parts and rejects a wrong total', async () => {
    const data = new Rng(1).normalArray(12);
    const one = memorySink();
    const w1 = await SafetensorsStreamWriter.begin(one, [{ name: 't', shape: [4, 3] }], { dtype: 'BF16' });
    await w1.write('t', data);
    await w1.finish();
    const parts = memorySink();
    const w2 = await SafetensorsStreamWriter.begin(parts, [{ name: 't', shape: [4, 3] }], { dtype: 'BF16' });
    await w2.writeParts('t', inParts(data.subarray(0, 3), data.subarray(3, 12)));
    await w2.finish();
    expect(parts.bytes()).toEqual(one.bytes());
    const short = await SafetensorsStreamWriter.begin(memorySink(), [{ name: 't', shape: [4, 3] }]);
    await expect(short.writeParts('t', inParts(data.subarray(0, 6)))).rejects.toThrow(/parts of 6 values .* needs 12/);
  });

  it('shared and expert FFNs, fetched one tensor or one expert at a time, equal the whole-FFN formulas', async () => {
    const { ws } = await sources('qwen2');
    const cfg = ws[0].config;
    const perms = [Array<Int32Array | null>(cfg.numLayers).fill(null), Array.from({ length: cfg.numLayers }, (_, l) => new Rng(40 + l).permutation(cfg.intermediateSize))];
    for (const sharedExpert of ['aligned-mean', 'anchor'] as const) {
      const base = spec(cfg.hiddenSize, 'symphony', null);
      const m = new MergedWeights(ws, { ...base, perms, layout: { ...base.layout, sharedExpert } });
      for (let l = 0; l < cfg.numLayers; l++) {
        const src = await Promise.all(ws.map(async (w, i) => {
          const n = ffnNames(cfg, l, 'dense');
          const f = { gate: await w.getTensor(n.gate), up: await w.getTensor(n.up), down: await w.getTensor(n.down) };
          return perms[i][l] ? permuteFfn(modelArchSpec(cfg), l, f, perms[i][l]!) : f;
        }));
        const sh = ffnNames(m.config, l, 'shared');
        for (const part of ['gate', 'up', 'down'] as const) {
          const mean = sharedExpert === 'anchor' ? src[0][part].data : linearMean(src.map((f) => f[part].data));
          const want = part === 'down' ? Float32Array.from(mean, (v) => 2 * v) : mean;
          expect((await m.getTensor(sh[part])).data, `${sharedExpert} layer ${l} ${part}`).toEqual(want);
        }
        // Experts: asked part by part (then again, after the cache dropped them).
        for (let round = 0; round < 2; round++) {
          for (let e = 0; e < 2; e++) {
            const n = ffnNames(m.config, l, e);
            for (const part of ['gate', 'up', 'down'] as const) expect((await m.getTensor(n[part])).data).toEqual(src[e][part].data);
          }
        }
      }
    }
  });
});
