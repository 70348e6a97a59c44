/**
 * Export-stage handler. The HF export (Qwen2-MoE / Mixtral, FORMATS.md)
 * or the ONNX export is streamed into an uncompressed ZIP in memory and handed to the UI, which
 * saves it to a folder (File System Access API) or as a download.
 */
import { InvalidArgumentError } from '../../core/errors';
import { exportHf } from '../../core/export/hf-export';
import { zipSink } from '../../core/export/sink';
import { needsExternalData, onnxWeightBytes } from '../../core/onnx/external-data';
import { exportOnnx } from '../../core/onnx/transformer-graph';
import { memorySink } from '../../core/formats/safetensors-writer';
import { defaultRecipe, type Recipe } from '../../core/recipe/recipe';
import type { HandlerContext } from '../rpc';
import type { ProgressEvent } from '../protocol';
import type { StudioSession } from './state';

/** The recipe of a built model: what the session actually used (sources, roles, calibration,
 * alignment, backbone, MoE layout, router, training, export). */
function recipeOf(s: StudioSession, model: string, dtype: 'f32' | 'bf16', format: 'hf' | 'onnx'): Recipe {
  const r = defaultRecipe(s.sources.map((x, i) => ({ id: x.summary.id, revision: x.summary.revision, ...(s.domains[i] ? { domain: s.domains[i] } : {}) })), s.anchor);
  const cal = s.calibration;
  if (cal) r.calibration = { domains: cal.domains.map((d) => ({ name: d.name, source: 'studio', tokens: d.tokens })), seqLen: cal.seqLen, contentHash: cal.contentHash };
  const built = s.models.get(model)?.built;
  const m = s.mergeRequest;
  const kind = built?.kind;
  r.alignment = { ...r.alignment, enabled: kind === 'symphony' || (kind === 'symphony-shared' && model !== 'symphony-shared-unaligned'), partial: s.alignPartial };
  if (m) {
    r.backbone = kind === 'btx' || kind === 'drop-upcycling' ? { rule: 'linear', slerpT: 0.5 } : kind === 'naive-upcycling' ? { rule: 'anchor', slerpT: 0 } : { rule: m.backbone.rule, slerpT: m.backbone.slerpT };
    r.moe = {
      experts: kind === 'naive-upcycling' ? s.experts.map(() => s.anchor) : [...s.experts],
      topK: m.topK, normTopkProb: m.normTopkProb, sharedExpert: kind === 'symphony-shared' ? 'aligned-mean' : 'none',
    };
    r.router = { init: m.routerInit, seed: m.seed };
  } else {
    r.moe.experts = [...s.experts];
  }
  const t = s.trainRequests.get(model);
  if (t) {
    r.training = {
      ...r.training, scope: t.scope, steps: s.training.get(model)?.steps ?? t.steps, lr: t.lr, batchTokens: t.batchTokens, seqLen: t.seqLen,
      balanceCoef: t.balanceCoef, warmupSteps: t.warmupSteps, schedule: t.warmupSteps > 0 ? 'warmup-cosine' : 'constant', seed: t.seed,
    };
  } else {
    r.training = { ...r.training, steps: 0 };
  }
  r.export = { target: format, dtype };
  return r;
}

export async function exportModel(
  s: StudioSession, p: { model: string; dtype: 'f32' | 'bf16'; format: 'hf' | 'onnx' }, ctx: HandlerContext<ProgressEvent>,
): Promise<{ name: string; zip: ArrayBuffer }> {
  const m = s.requireModel(p.model);
  const anchor = s.sources[m.sourceIndex ?? s.anchor];
  const folder = `symphony-${p.model.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  const out = memorySink();
  const sink = zipSink(out, folder);
  const files = Object.entries(anchor.checkpoint.tokenizerFiles).map(([name, text]) => ({ name, bytes: new TextEncoder().encode(text) }));
  if (p.format === 'onnx') {
    if (p.dtype !== 'f32') throw new InvalidArgumentError('The ONNX export is f32 only; choose f32.');
    if (needsExternalData(m.weights.config)) {
      throw new InvalidArgumentError(
        `This model's f32 weights take ${(onnxWeightBytes(m.weights.config) / 2 ** 30).toFixed(2)} GiB, more than one ONNX file holds and more than the browser download can; ` +
        'export it with the command-line tool (`symphony export-onnx MODEL --out FILE.onnx` writes the weights to FILE.onnx.data) or use the Hugging Face export.',
      );
    }
    const bytes = await exportOnnx(m.weights, { signal: ctx.signal, onLayer: (l, n) => ctx.progress({ stage: 'export', done: l + 1, total: n }) });
    for (const f of [{ name: 'model.onnx', bytes }, ...files]) {
      const fs = await sink.file(f.name);
      await fs.write(f.bytes);
      await fs.close();
    }
  } else {
    const recipe = recipeOf(s, p.model, p.dtype, 'hf');
    const ev = s.evaluations.find((e) => e.model === p.model);
    const metrics: Record<string, number | string> = {};
    for (const d of ev?.perplexity ?? []) metrics[`perplexity ${d.domain}${d.heldOut ? ' (held-out)' : ''}`] = Number(d.perplexity.toFixed(3));
    const tr = s.training.get(p.model);
    if (tr) metrics['router fine-tuning steps'] = tr.steps;
    await exportHf(sink, {
      weights: m.weights, anchorConfig: anchor.checkpoint.config.raw, dtype: p.dtype === 'bf16' ? 'BF16' : 'F32', files, recipe,
      permutations: m.built.kind === 'source' ? null : s.match?.perms ?? null,
      card: { baseModels: s.sources.map((x) => x.summary.id), revisions: s.sources.map((x) => x.summary.revision), experts: s.experts, metrics },
      signal: ctx.signal,
      onProgress: (e) => ctx.progress({ stage: 'export', done: e.bytesWritten, total: e.totalBytes, message: e.file }),
    });
  }
  await sink.finish();
  const bytes = out.bytes();
  return { name: `${folder}.zip`, zip: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}
