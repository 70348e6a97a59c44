/**
 * Export-stage handler. The HF export (Qwen2-MoE / Mixtral, FORMATS.md) or the ONNX export is
 * streamed tensor by tensor into a folder the user picked (a subfolder `symphony-<model>` of it,
 * through the File System Access API's directory handle) or into one uncompressed ZIP, which
 * lives in the origin-private file system where the browser has it (disk, not memory) and goes
 * back to the UI as a Blob to save. Models over one ONNX file's 2 GiB get external data.
 */
import { InvalidArgumentError } from '../../core/errors';
import { exportHf } from '../../core/export/hf-export';
import type { ExportSink, FileSink } from '../../core/export/sink';
import { needsExternalData } from '../../core/onnx/external-data';
import { exportOnnx } from '../../core/onnx/transformer-graph';
import { directorySink, zipDownloadSink } from '../../io/export/browser-sinks';
import { defaultRecipe, type Recipe } from '../../core/recipe/recipe';
import type { HandlerContext } from '../rpc';
import type { ProgressEvent } from '../protocol';
import type { ExportResult, ExportTarget } from '../studio-types';
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

/** Counts the files and bytes that pass through a sink. */
function counted(inner: ExportSink): { sink: ExportSink; files: () => number; bytes: () => number } {
  let files = 0;
  let bytes = 0;
  const sink: ExportSink = {
    async file(name) {
      const f = await inner.file(name);
      files++;
      return { write: (c) => ((bytes += c.length), f.write(c)), close: () => f.close() };
    },
    finish: () => inner.finish(),
  };
  return { sink, files: () => files, bytes: () => bytes };
}

export async function exportModel(
  s: StudioSession, p: { model: string; dtype: 'f32' | 'bf16'; format: 'hf' | 'onnx'; target?: ExportTarget }, ctx: HandlerContext<ProgressEvent>,
): Promise<ExportResult> {
  const m = s.requireModel(p.model);
  const anchor = s.sources[m.sourceIndex ?? s.anchor];
  if (p.format === 'onnx' && p.dtype !== 'f32') throw new InvalidArgumentError('The ONNX export is f32 only; choose f32.');
  const folder = `symphony-${p.model.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  let zip: Blob | null = null;
  const target = p.target ?? { kind: 'zip' };
  const inner = target.kind === 'folder'
    ? directorySink(await target.dir.getDirectoryHandle(folder, { create: true }))
    : await zipDownloadSink(folder, (b) => void (zip = b));
  const { sink, files: fileCount, bytes } = counted(inner);
  const files = Object.entries(anchor.checkpoint.tokenizerFiles).map(([name, text]) => ({ name, bytes: new TextEncoder().encode(text) }));
  if (p.format === 'onnx') {
    // Over one protobuf file's 2 GiB the weights stream into model.onnx.data first (ONNX external data).
    let data: FileSink | null = null;
    if (needsExternalData(m.weights.config)) data = await sink.file('model.onnx.data');
    const external = data ? { location: 'model.onnx.data', write: (c: Uint8Array) => data.write(c) } : undefined;
    const model = await exportOnnx(m.weights, { signal: ctx.signal, onLayer: (l, n) => ctx.progress({ stage: 'export', done: l + 1, total: n }), external });
    await data?.close();
    for (const f of [{ name: 'model.onnx', bytes: model }, ...files]) {
      const fs = await sink.file(f.name);
      await fs.write(f.bytes);
      await fs.close();
    }
    await sink.finish();
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
    }); // exportHf finishes the sink itself
  }
  if (target.kind === 'folder') return { name: folder, folder, files: fileCount(), bytes: bytes() };
  const blob = zip as Blob | null;
  if (!blob) throw new Error('the ZIP export produced no archive');
  return { name: `${folder}.zip`, zip: blob, files: fileCount(), bytes: blob.size };
}
