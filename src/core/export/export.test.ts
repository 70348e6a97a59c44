// Pure parts of the export: CRC-32 and the ZIP layout, stable JSON with float fields,
// permutations.json round trip and validation, config.json field rules, and the streaming
// contract (each tensor fetched once, one at a time, in the planned order).
import { describe, expect, it } from 'vitest';
import { memorySink } from '../formats/safetensors-writer';
import type { ModelConfig } from '../../model/config';
import type { HostTensor, WeightProvider } from '../../model/weights';
import { exportHf } from './hf-export';
import { buildHfConfig, stableJson } from './hf-config';
import { hfTensorPlan } from './hf-tensors';
import { parsePermutations, serializePermutations } from './permutations';
import { memoryFolderSink } from './sink';
import { bytesReader } from '../formats/range-reader';
import { crc32, readZipDirectory, zipOpener, ZipWriter } from './zip';

const QWEN2: ModelConfig = {
  modelType: 'qwen2', vocabSize: 16, hiddenSize: 8, intermediateSize: 12, numLayers: 2, numHeads: 2, numKvHeads: 1, headDim: 4,
  rmsNormEps: 1e-6, ropeTheta: 10000, ropeScaling: { type: 'default' }, tieWordEmbeddings: true, attentionBias: true, slidingWindow: null, moe: null,
};
const MOE: ModelConfig = {
  ...QWEN2, modelType: 'qwen2_moe',
  moe: { numExperts: 3, topK: 2, normTopkProb: false, expertIntermediateSize: 12, sharedExpertIntermediateSize: 0, sparseLayers: [true, true] },
};

describe('zip', () => {
  it('CRC-32 of the check string and of chunks', () => {
    const b = new TextEncoder().encode('123456789');
    expect(crc32(b)).toBe(0xcbf43926);
    expect(crc32(b.subarray(4), crc32(b.subarray(0, 4)))).toBe(0xcbf43926);
  });

  it('writes stored entries with descriptors, fixed times and a readable directory', async () => {
    const out = memorySink();
    const z = new ZipWriter(out);
    await z.file('a/x.txt', new TextEncoder().encode('hello'));
    const e = await z.entry('a/empty');
    await e.close();
    await z.finish();
    const bytes = out.bytes();
    const list = await readZipDirectory(bytesReader(bytes));
    expect(list.map((x) => [x.name, x.size])).toEqual([['a/x.txt', 5], ['a/empty', 0]]);
    expect(new TextDecoder().decode(bytes.subarray(list[0].dataOffset, list[0].dataOffset + 5))).toBe('hello');
    const dv = new DataView(bytes.buffer);
    expect(dv.getUint16(12, true)).toBe(0x21); // 1980-01-01
    await expect(new ZipWriter(memorySink()).entry('../evil')).rejects.toThrow(/safe relative path/);
  });


  it('switches to ZIP64 records past 4 GiB (archive placed after 4 GiB of other bytes)', async () => {
    const base = 2 ** 32 + 123;
    const out = memorySink();
    const z = new ZipWriter(out);
    (z as unknown as { offset: number }).offset = base;
    await z.file('m/a.bin', Uint8Array.of(1, 2, 3));
    await z.file('m/b.bin', Uint8Array.of(4));
    await z.finish();
    const bytes = out.bytes();
    const shifted = {
      size: base + bytes.length,
      read: (b: number, e: number) => Promise.resolve(bytes.slice(b - base, e - base)),
    };
    const list = await readZipDirectory(shifted);
    expect(list.map((x) => [x.name, x.size, x.dataOffset > 2 ** 32])).toEqual([['m/a.bin', 3, true], ['m/b.bin', 1, true]]);
    const open = await zipOpener(shifted);
    const r = await open('b.bin');
    expect(Array.from(await r!.read(0, 1))).toEqual([4]);
  });
});

describe('config.json', () => {
  it('stable JSON sorts keys and writes float fields as floats', () => {
    const s = stableJson({ b: 1, a: { d: [1, 2], c: {} }, router_jitter_noise: 0, rope_theta: 1000000, n: null, e: [] });
    expect(s).toBe('{\n  "a": {\n    "c": {},\n    "d": [\n      1,\n      2\n    ]\n  },\n  "b": 1,\n  "e": [],\n  "n": null,\n  "rope_theta": 1000000.0,\n  "router_jitter_noise": 0.0\n}\n');
    expect(JSON.parse(s)).toEqual({ a: { c: {}, d: [1, 2] }, b: 1, e: [], n: null, rope_theta: 1e6, router_jitter_noise: 0 });
  });

  it('copies the anchor, sets the MoE fields, writes tie_word_embeddings and drops remote code', () => {
    const anchor = { model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'], auto_map: { x: 'y' }, torch_dtype: 'bfloat16', rope_theta: 1e6, custom: 7 };
    const c = buildHfConfig(anchor, { ...MOE, moe: { ...MOE.moe!, sharedExpertIntermediateSize: 1 } }, { dtype: 'F32' });
    expect(c).toMatchObject({
      architectures: ['Qwen2MoeForCausalLM'], model_type: 'qwen2_moe', num_experts: 3, num_experts_per_tok: 2, moe_intermediate_size: 12,
      shared_expert_intermediate_size: 1, norm_topk_prob: false, decoder_sparse_step: 1, mlp_only_layers: [], tie_word_embeddings: true,
      output_router_logits: false, torch_dtype: 'float32', custom: 7, rope_theta: 1e6,
    });
    expect(c.auto_map).toBeUndefined();
  });
});

describe('permutations.json', () => {
  it('round-trips and rejects non-permutations', () => {
    const p = [[null, null], [Int32Array.of(2, 0, 1), Int32Array.of(0, 1, 2)]];
    const text = serializePermutations(p, ['a', 'b']);
    expect(parsePermutations(text)).toEqual(p);
    expect(() => parsePermutations(text.replace('[2,0,1]', '[2,2,1]'))).toThrow(/not a permutation/);
  });
});

describe('streaming', () => {
  it('fetches each tensor once, one at a time, in plan order; writes the zero shared expert itself', async () => {
    const asked: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const plan = hfTensorPlan(MOE);
    const wp: WeightProvider = {
      config: MOE,
      async getTensor(name: string): Promise<HostTensor> {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        asked.push(name);
        await new Promise((r) => setTimeout(r, 0));
        inFlight--;
        const t = plan.find((x) => x.name === name)!;
        return { data: new Float32Array(t.shape.reduce((a, b) => a * b, 1)).fill(0.5), shape: t.shape };
      },
    };
    const sink = memoryFolderSink();
    await exportHf(sink, { weights: wp, anchorConfig: { model_type: 'qwen2' }, maxShardBytes: 1500 });
    expect(maxInFlight).toBe(1);
    expect(asked).toEqual(plan.map((t) => t.name));
    expect(asked.some((n) => n.includes('shared_expert'))).toBe(false);
    expect([...sink.files.keys()].filter((f) => f.startsWith('model-')).length).toBeGreaterThan(1);
    expect(sink.finished).toBe(true);
  });
});
