/**
 * Export-stage handler and the findings page. The HF export (Qwen2-MoE / Mixtral, FORMATS.md)
 * or the ONNX export is streamed into an uncompressed ZIP in memory and handed to the UI, which
 * saves it to a folder (File System Access API) or as a download. The findings gather the
 * numbers of METHOD.md section 6 measured in this session.
 */
import { InvalidArgumentError } from '../../core/errors';
import { exportHf } from '../../core/export/hf-export';
import { zipSink } from '../../core/export/sink';
import { exportOnnx } from '../../core/onnx/transformer-graph';
import { memorySink } from '../../core/formats/safetensors-writer';
import { defaultRecipe, type Recipe } from '../../core/recipe/recipe';
import type { HandlerContext } from '../rpc';
import type { ProgressEvent } from '../protocol';
import type { Finding, Findings } from '../studio-types';
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

export function findings(s: StudioSession): Findings {
  const f = s.facts;
  const items: Finding[] = [];
  const fp = f.functionPreservation;
  const rel = f.functionPreservationRelative;
  const ok = rel !== undefined && rel <= 1e-6;
  items.push({
    id: 'function-preservation', title: 'Alignment does not change what separate experts compute', value: fp ?? null,
    holds: fp === undefined ? null : ok,
    verdict: fp === undefined ? 'Run the Alignment stage.' : ok ? 'Holds: the MoE logits with and without alignment agree to float rounding.' : 'Does not hold.',
    detail: `Max |delta logits| between the MoE built with aligned experts and the one without${rel !== undefined ? ` (${rel.toExponential(1)} of the largest logit: f32 sums in another order)` : ''}.`,
  });
  const ck = f.ckaInvariance;
  items.push({
    id: 'cka-invariance', title: 'CKA between experts is the same before and after alignment', value: ck ?? null,
    holds: ck === undefined ? null : ck < 1e-6,
    verdict: ck === undefined ? 'Run the CKA stage.' : ck < 1e-6 ? 'Holds: the heatmaps do not move.' : 'Does not hold.',
    detail: 'Max |CKA aligned - CKA unaligned| over every layer and expert pair.',
  });
  const al = s.alignment;
  if (al) {
    const perModel = [...new Set(al.layers.map((l) => l.model))].map((m) => {
      const ls = al.layers.filter((l) => l.model === m);
      return { m, fixed: ls.reduce((a, l) => a + l.fixedPoints, 0) / ls.length };
    });
    const text = perModel.map(({ m, fixed }) => `${s.sources[m]?.summary.id ?? m}: ${(fixed * 100).toFixed(0)}%`).join(', ');
    const hi = Math.max(...perModel.map((x) => x.fixed));
    const lo = Math.min(...perModel.map((x) => x.fixed));
    items.push({
      id: 'identity-permutations', title: 'Shared-base experts align to the identity; an independent one does not', value: lo,
      holds: hi > 0.9 && lo < 0.2 ? true : null,
      verdict: hi > 0.9 && lo < 0.2 ? 'Holds: see the fixed-point fractions.' : 'See the fixed-point fractions per model.',
      detail: `Fraction of neurons the permutation leaves in place (mean over layers): ${text}.`,
    });
  } else {
    items.push({ id: 'identity-permutations', title: 'Shared-base experts align to the identity; an independent one does not', value: null, holds: null, verdict: 'Run the Alignment stage.', detail: '' });
  }
  const ev = s.evaluations;
  const mean = (id: string): number | null => {
    const r = ev.find((e) => e.model === id);
    if (!r) return null;
    const xs = r.perplexity.filter((d) => !d.heldOut).map((d) => Math.log(d.perplexity));
    return xs.length ? Math.exp(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
  };
  const on = mean('symphony-shared');
  const off = mean('symphony-shared-unaligned');
  items.push({
    id: 'shared-expert-alignment', title: 'A mean-of-FFNs shared expert needs alignment', value: on !== null && off !== null ? off / on : null,
    holds: on !== null && off !== null ? on < off : null,
    verdict: on === null || off === null ? 'Build "Symphony + aligned-mean shared expert" in the Merge stage, then evaluate.' : on < off ? `Holds: in-domain perplexity ${on.toFixed(1)} aligned vs ${off.toFixed(1)} unaligned.` : `Does not hold here: ${on.toFixed(1)} aligned vs ${off.toFixed(1)} unaligned.`,
    detail: 'Geometric mean of in-domain perplexity; the value is unaligned / aligned.',
  });
  const b = f.balance;
  items.push({
    id: 'load-balance', title: 'Load balancing keeps the experts evenly used', value: b ?? null,
    holds: b === undefined ? null : Math.abs(b - 1) <= 0.1,
    verdict: b === undefined ? 'Train the router in the Train stage.' : Math.abs(b - 1) <= 0.1 ? 'Holds: the balance loss is within 10% of top_k.' : 'The balance loss is more than 10% away from top_k.',
    detail: 'Held-out load-balancing loss divided by its balanced value (top_k): 1 is perfect balance.',
  });
  const sym = ev.find((e) => e.model === 'symphony');
  let routed: number | null = null;
  if (sym?.routing) {
    const doms = sym.perplexity.map((d) => d.domain);
    let hits = 0;
    let total = 0;
    sym.routing.forEach((layer) => {
      doms.forEach((d, di) => {
        const e = s.experts.findIndex((src) => s.domains[src] === d);
        if (e < 0 || !layer[di]) return;
        total++;
        if (layer[di][e] > 1 / s.experts.length) hits++;
      });
    });
    routed = total ? hits / total : null;
  }
  items.push({
    id: 'routing-by-domain', title: "Tokens of a domain favour that domain's expert", value: routed,
    holds: routed === null ? null : routed > 0.5,
    verdict: routed === null ? 'Evaluate the Symphony model (after training its router).' : `${(routed * 100).toFixed(0)}% of (layer, domain) cells send more than a fair share to the domain's own expert.`,
    detail: 'From the routing-by-domain matrix of the Symphony model.',
  });
  return { items };
}
