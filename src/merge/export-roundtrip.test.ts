// Export checks on the CPU engine: the exported tensor names agree with the engine's; an exported
// tiny MoE re-imports (single file and shards) with the original's logits; export -> re-import ->
// export is byte-identical (folder and ZIP, f32 and bf16).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { bytesReader } from '../core/formats/range-reader';
import type { OpenFile } from '../core/formats/safetensors-index';
import { parseSafetensors } from '../core/formats/safetensors';
import { exportHf, type HfExportOptions } from '../core/export/hf-export';
import { exportedModelConfig, hfTensorPlan } from '../core/export/hf-tensors';
import { memoryFolderSink, zipSink } from '../core/export/sink';
import { crc32, readZipDirectory, zipOpener } from '../core/export/zip';
import { memorySink } from '../core/formats/safetensors-writer';
import { defaultRecipe } from '../core/recipe/recipe';
import { maxAbsDiff } from '../core/testing/compare';
import { reimportExport } from '../io/export/reimport';
import { parseModelConfig } from '../model/config';
import { FIXTURES, loadFixture } from '../model/testing/fixtures';
import { Transformer } from '../model/transformer';
import { layerTensorNames, type WeightProvider } from '../model/weights';
import { CHECK_TOKENS, TINY_MOES, tinyMoe, type TinyMoe } from './testing/tiny-moes';

const be = new CpuBackend();
const logits = async (w: WeightProvider): Promise<Float32Array> => (await new Transformer(be, w).logits(Int32Array.from(CHECK_TOKENS))).logits;
const opener = (files: Map<string, Uint8Array>): OpenFile => (name) => Promise.resolve(files.has(name) ? bytesReader(files.get(name)!) : null);

function options(m: TinyMoe, over: Partial<HfExportOptions> = {}): HfExportOptions {
  const recipe = defaultRecipe([{ id: 'org/anchor', revision: 'a'.repeat(40) }, { id: 'org/other', revision: 'b'.repeat(40) }]);
  return {
    weights: m.weights,
    anchorConfig: m.anchorConfig,
    files: [
      { name: 'tokenizer.json', bytes: new TextEncoder().encode('{"model":{}}') },
      { name: 'generation_config.json', bytes: new TextEncoder().encode('{"do_sample":false}\n') },
    ],
    recipe,
    permutations: m.perms,
    card: { metrics: { 'held-out ppl': 12.345678, tokens: 4096 } },
    ...over,
  };
}

async function exportToMemory(o: HfExportOptions) {
  const sink = memoryFolderSink();
  const summary = await exportHf(sink, o);
  return { files: sink.files, summary };
}

describe('HF export', () => {
  it('plans the same tensor names as the engine for every fixture', () => {
    for (const name of FIXTURES) {
      const cfg = loadFixture(name).config;
      const names = ['model.embed_tokens.weight', ...Array.from({ length: cfg.numLayers }, (_, l) => layerTensorNames(cfg, l)).flat(), 'model.norm.weight'];
      if (!cfg.tieWordEmbeddings) names.push('lm_head.weight');
      expect(hfTensorPlan(cfg).map((t) => t.name)).toEqual(names);
    }
  });

  for (const name of TINY_MOES) {
    it(`${name}: re-import gives the same logits; re-export is byte-identical`, async () => {
      const m = await tinyMoe(name);
      const first = await exportToMemory(options(m));
      const cfg = JSON.parse(new TextDecoder().decode(first.files.get('config.json'))) as Record<string, unknown>;
      const tied = m.weights.config.tieWordEmbeddings;
      expect(cfg.tie_word_embeddings).toBe(tied);
      const st = parseSafetensors(first.files.get('model.safetensors')!);
      expect(st.metadata).toEqual({ format: 'pt' });
      expect(st.tensors.has('lm_head.weight')).toBe(!tied);
      if (name.startsWith('qwen2')) {
        expect(cfg).toMatchObject({ architectures: ['Qwen2MoeForCausalLM'], model_type: 'qwen2_moe', decoder_sparse_step: 1, mlp_only_layers: [], output_router_logits: false });
        expect(cfg.shared_expert_intermediate_size).toBe(name === 'qwen2_moe' ? 1 : 64);
      } else {
        expect(cfg).toMatchObject({ architectures: ['MixtralForCausalLM'], model_type: 'mixtral', num_local_experts: m.weights.config.moe!.numExperts });
        expect([...st.tensors.keys()].some((k) => k.includes('block_sparse_moe.experts.0.w1'))).toBe(true);
      }
      const { weights, folder } = await reimportExport(opener(first.files), parseModelConfig);
      expect(maxAbsDiff(await logits(weights), await logits(m.weights))).toBeLessThanOrEqual(1e-6);
      expect(folder.permutations?.[1][0]).toEqual(m.perms[1][0]);
      const again = await exportToMemory({ ...options(m), weights, anchorConfig: folder.rawConfig, files: folder.files, permutations: folder.permutations });
      expect([...again.files.keys()]).toEqual([...first.files.keys()]);
      for (const [f, bytes] of first.files) expect(again.files.get(f), f).toEqual(bytes);
    });
  }

  it('shards with a tiny limit: index total_size, re-import and a byte-identical ZIP', async () => {
    const m = await tinyMoe('qwen2_moe_shared');
    const o = options(m, { maxShardBytes: 40_000 });
    const { files, summary } = await exportToMemory(o);
    expect(summary.shards).toBeGreaterThan(2);
    const index = JSON.parse(new TextDecoder().decode(files.get('model.safetensors.index.json'))) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    const shardNames = [...files.keys()].filter((f) => f.endsWith('.safetensors'));
    let sum = 0;
    for (const f of shardNames) {
      const h = parseSafetensors(files.get(f)!);
      for (const t of h.tensors.values()) sum += t.end - t.begin;
      expect(h.tensors.size).toBeGreaterThan(0);
    }
    expect(index.metadata.total_size).toBe(sum);
    expect(sum).toBe(summary.tensorBytes);
    expect(Object.keys(index.weight_map).length).toBe(hfTensorPlan(exportedModelConfig(m.weights.config).config).length);
    const { weights } = await reimportExport(opener(files), parseModelConfig);
    expect(maxAbsDiff(await logits(weights), await logits(m.weights))).toBeLessThanOrEqual(1e-6);
    // The same export as one ZIP, twice: identical bytes, every entry's CRC and content right.
    const zips = [];
    for (let i = 0; i < 2; i++) {
      const out = memorySink();
      await exportHf(zipSink(out, 'tiny-moe'), i === 0 ? o : { ...o, weights });
      zips.push(out.bytes());
    }
    expect(zips[1]).toEqual(zips[0]);
    const listing = await readZipDirectory(bytesReader(zips[0]));
    expect(listing.map((e) => e.name)).toEqual([...files.keys()].map((f) => `tiny-moe/${f}`));
    for (const e of listing) {
      const data = zips[0].subarray(e.dataOffset, e.dataOffset + e.size);
      expect(crc32(data)).toBe(e.crc);
      expect(data).toEqual(files.get(e.name.slice('tiny-moe/'.length)));
    }
    // Re-import straight from the archive (no unpacking): same logits.
    const fromZip = await reimportExport(await zipOpener(bytesReader(zips[0])), parseModelConfig);
    expect(maxAbsDiff(await logits(fromZip.weights), await logits(m.weights))).toBeLessThanOrEqual(1e-6);
  });

  it('bf16: export -> re-import -> export is byte-identical and logits stay close', async () => {
    const m = await tinyMoe('mixtral');
    const first = await exportToMemory(options(m, { dtype: 'BF16' }));
    const cfg = JSON.parse(new TextDecoder().decode(first.files.get('config.json'))) as Record<string, unknown>;
    expect(cfg.dtype ?? cfg.torch_dtype).toBe('bfloat16');
    const { weights, folder } = await reimportExport(opener(first.files), parseModelConfig);
    const again = await exportToMemory({ ...options(m, { dtype: 'BF16' }), weights, anchorConfig: folder.rawConfig, files: folder.files });
    for (const [f, bytes] of first.files) expect(again.files.get(f), f).toEqual(bytes);
    expect(maxAbsDiff(await logits(weights), await logits(m.weights))).toBeLessThan(0.1);
  });

  it('refuses what stock transformers would misread', async () => {
    const m = await tinyMoe('mixtral');
    const biased = { config: { ...m.weights.config, attentionBias: true }, getTensor: (n: string) => m.weights.getTensor(n) };
    await expect(exportHf(memoryFolderSink(), { ...options(m), weights: biased })).rejects.toThrow(/Mixtral has no attention biases/);
    await expect(exportHf(memoryFolderSink(), { ...options(m), files: [{ name: 'config.json', bytes: new Uint8Array(1) }] })).rejects.toThrow(/written by the exporter/);
  });
});
