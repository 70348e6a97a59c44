// ONNX export checked in Node with onnxruntime-web's wasm provider: the dense fixtures (against
// our engine and transformers' goldens) and the tiny merged MoEs (against our engine), within
// 1e-4 max abs diff on the logits.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { exportOnnx, ropeTables } from '../core/onnx/transformer-graph';
import { ExternalData } from '../core/onnx/external-data';
import { ProtoWriter } from '../core/onnx/proto';
import { maxAbsDiff } from '../core/testing/compare';
import { FIXTURES, loadFixture } from '../model/testing/fixtures';
import { Transformer } from '../model/transformer';
import type { WeightProvider } from '../model/weights';
import { generate } from '../model/generate';
import { ortGenerate } from './ort-generate';
import { CHECK_TOKENS, TINY_MOES, tinyMoe } from './testing/tiny-moes';

const TOL = 1e-4;

async function ortLogits(model: Uint8Array, tokens: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  try {
    const ids = BigInt64Array.from(tokens.map((t) => BigInt(t)));
    const out = await s.run({ input_ids: new ort.Tensor('int64', ids, [1, tokens.length]) });
    expect(out.logits.dims).toEqual([1, tokens.length, out.logits.dims[2]]);
    return out.logits.data as Float32Array;
  } finally {
    await s.release();
  }
}

const ours = async (wp: WeightProvider, tokens: number[]): Promise<Float32Array> =>
  (await new Transformer(new CpuBackend(), wp).logits(Int32Array.from(tokens))).logits;

describe('ONNX export (onnxruntime-web wasm in Node)', () => {
  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  });

  it('encodes varints and fields as protobuf does', () => {
    const w = new ProtoWriter().int(1, 300).int(2, -1).string(3, 'ab');
    expect(Array.from(w.finish())).toEqual([0x08, 0xac, 0x02, 0x10, ...Array<number>(9).fill(0xff), 0x01, 0x1a, 0x02, 0x61, 0x62]);
  });

  it('RoPE tables repeat each frequency in both halves', () => {
    const cfg = loadFixture('llama').config;
    const { cos, sin } = ropeTables(cfg, 4);
    const hd = cfg.headDim;
    expect(cos[0]).toBe(1);
    expect(cos[3 * hd + 2]).toBe(cos[3 * hd + 2 + hd / 2]);
    expect(sin[3 * hd + 1]).not.toBe(0);
  });

  for (const name of FIXTURES) {
    it(`${name}: ORT logits equal our engine's and transformers' goldens`, async () => {
      const fx = loadFixture(name);
      const model = await exportOnnx(fx.weights, { maxPositions: 32 });
      for (const seq of fx.sequences) {
        const got = await ortLogits(model, seq.tokens);
        expect(maxAbsDiff(got, await ours(fx.weights, seq.tokens))).toBeLessThanOrEqual(TOL);
        expect(maxAbsDiff(got, seq.logits.flat())).toBeLessThanOrEqual(TOL);
      }
    });
  }

  for (const name of TINY_MOES) {
    it(`merged ${name}: ORT logits equal our engine's`, async () => {
      const m = await tinyMoe(name);
      const got = await ortLogits(await exportOnnx(m.weights, { maxPositions: 16 }), CHECK_TOKENS);
      expect(maxAbsDiff(got, await ours(m.weights, CHECK_TOKENS))).toBeLessThanOrEqual(TOL);
    });
  }

  it('external data: every MoE initializer of 1 KiB or more goes to the data file, 64-byte aligned; same ORT logits', async () => {
    const m = await tinyMoe('qwen2_moe_shared');
    const chunks: Uint8Array[] = [];
    let writes = 0;
    const model = await exportOnnx(m.weights, {
      maxPositions: 16,
      external: { location: 'tiny.onnx.data', write: (c) => { chunks.push(c.slice()); writes++; return Promise.resolve(); } },
    });
    const data = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
    let o = 0;
    for (const c of chunks) { data.set(c, o); o += c.length; }
    const inline = await exportOnnx(m.weights, { maxPositions: 16 });
    expect(model.length).toBeLessThan(inline.length / 4);
    expect(writes).toBeGreaterThan(m.weights.config.numLayers); // written layer by layer
    const s = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], externalData: [{ path: 'tiny.onnx.data', data }] });
    try {
      const out = await s.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(CHECK_TOKENS.map(BigInt)), [1, CHECK_TOKENS.length]) });
      expect(maxAbsDiff(out.logits.data as Float32Array, await ortLogits(inline, CHECK_TOKENS))).toBe(0);
    } finally {
      await s.release();
    }
    const ext = new ExternalData('x.data', 16);
    expect(ext.place(new Float32Array(3))).toBeNull();
    expect(ext.place(new Float32Array(5))).toEqual({ location: 'x.data', offset: 0, length: 20 });
    expect(ext.place(new Float32Array(4))).toEqual({ location: 'x.data', offset: 64, length: 16 });
    expect(ext.take().map((c) => c.length)).toEqual([20, 44, 16]);
  });

  it('generation through ORT gives the tokens of our engine (greedy and seeded sampling)', async () => {
    const m = await tinyMoe('qwen2_moe_shared');
    const session = await ort.InferenceSession.create(await exportOnnx(m.weights, { maxPositions: 16 }), { executionProviders: ['wasm'] });
    try {
      for (const o of [{ greedy: true }, { temperature: 0.8, topK: 20, seed: 3 }]) {
        const a = await generate(new Transformer(new CpuBackend(), m.weights, { keepLayers: true }), Int32Array.of(1, 17, 42), { ...o, maxNewTokens: 6 });
        const b = await ortGenerate(ort, session, [1, 17, 42], { ...o, maxNewTokens: 6 });
        expect(b.tokens).toEqual(a.tokens);
      }
    } finally {
      await session.release();
    }
  });
});
