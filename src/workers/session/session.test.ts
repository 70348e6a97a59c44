// The studio's worker session on the built-in demo, on the CPU backend in Node: the same
// handlers the browser calls, from loading the demo family to evaluation.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../core/cpu-backend';
import type { BackendTensor, ComputeBackend } from '../../core/backend';
import { createEngine } from '../engine';
import { nodeDemoAssets } from '../testing/demo-files';
import type { LoadProgress } from '../studio-types';

const noCtx = <P,>() => ({ signal: new AbortController().signal, progress: (_e: P) => {} });

describe('studio session on the demo (CPU)', () => {
  it('loads, calibrates, aligns, measures CKA, merges, evaluates and routes', { timeout: 240_000 }, async () => {
    const be = new CpuBackend() as unknown as ComputeBackend<BackendTensor>;
    const e = createEngine({ demo: nodeDemoAssets(), backend: () => Promise.resolve(be) });
    const cat = await e.demoCatalog!({}, noCtx());
    expect(cat.models.map((m) => m.id)).toContain('demo/prose');
    expect(cat.domains.find((d) => d.name === 'legal')?.heldOut).toBe(true);
    const experts = cat.models.filter((m) => m.origin !== 'base');
    const events: LoadProgress[] = [];
    const loaded = await e.loadSources!({ refs: experts.map((m) => ({ kind: 'demo' as const, id: m.id })) }, { signal: new AbortController().signal, progress: (ev) => events.push(ev) });
    expect(loaded.report.mergeable).toBe(true);
    expect(loaded.sources.every((x) => x.modelType === 'qwen2' && x.domain)).toBe(true);
    expect(events.some((ev) => ev.event.type === 'download')).toBe(true);

    const domains = [...new Set(experts.map((m) => m.domain))];
    const cal = await e.calibrate!({ domains: domains.map((name) => ({ name, builtin: true })), tokensPerDomain: 256, seqLen: 64 }, noCtx());
    expect(cal.domains.every((d) => d.tokens === 256)).toBe(true);

    let t = performance.now();
    const al = await e.align!({ partial: 1 }, noCtx());
    console.log(`align ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    expect(al.functionPreservation).toBeLessThanOrEqual(1e-5);
    // The findings page's function-preservation check (state/findings.ts) is relative to the logit scale.
    expect(al.functionPreservationRelative).toBeLessThanOrEqual(1e-6);
    expect(al.layers.every((l) => l.certified && l.meanCorrAfter >= l.meanCorrBefore - 1e-9)).toBe(true);
    // The teaching point of the demo: branched experts keep the base's neuron order, the
    // independently pre-trained one does not.
    loaded.sources.forEach((src, i) => {
      if (i === 0) return;
      const fixed = al.layers.filter((l) => l.model === i).map((l) => l.fixedPoints);
      const origin = experts[i].origin;
      if (origin === 'branched') expect(Math.min(...fixed)).toBeGreaterThanOrEqual(0.9);
      else expect(Math.max(...fixed)).toBeLessThanOrEqual(0.2);
      void src;
    });
    const perm = await e.permutation!({ model: 1, layer: 0 }, noCtx());
    expect([...perm.sigma].sort((a, b) => a - b)).toEqual([...Array(al.width).keys()]);

    const t0 = performance.now();
    const c = await e.cka!({}, noCtx());
    console.log(`cka ${(performance.now() - t0).toFixed(0)} ms`);
    expect(c.maxDifference).toBeLessThan(1e-6);
    expect(c.aligned[0].every((v) => v >= 0 && v <= 1)).toBe(true);

    const built = await e.merge!({ backbone: { rule: 'symphony', slerpT: 0.5 }, topK: 2, normTopkProb: false, routerInit: 'centroids', baselines: ['btx', 'symphony-shared'], dropRatio: 0.5, seed: 0 }, noCtx());
    expect(built.map((b) => b.id)).toEqual(expect.arrayContaining(['symphony', 'btx', 'symphony-shared', 'symphony-shared-unaligned', `source:${experts[0].id}`]));

    const ev = await e.evaluate!({ models: ['symphony', 'btx', `source:${experts[0].id}`], heldOut: true, tokensPerDomain: 128 }, noCtx());
    expect(ev).toHaveLength(3);
    expect(ev[0].perplexity.some((d) => d.heldOut)).toBe(true);
    for (const r of ev) for (const d of r.perplexity) expect(d.perplexity).toBeGreaterThan(1);
    expect(ev[0].routing).not.toBeNull();

    const rt = await e.routeText!({ model: 'symphony', text: 'def add(a, b): return a + b' }, noCtx());
    expect(rt.tokens.length).toBeGreaterThan(3);
    expect(rt.experts[0][0]).toHaveLength(2);
    const steps: number[] = [];
    const tr = await e.train!({ model: 'symphony', scope: 'router', steps: 3, lr: 5e-3, batchTokens: 128, seqLen: 64, balanceCoef: 0.01, warmupSteps: 0, seed: 0 }, { signal: new AbortController().signal, progress: (st) => steps.push(st.step) });
    expect(steps).toEqual([1, 2, 3]);
    expect(tr.history).toHaveLength(3);
    expect(tr.balancedAux).toBe(2);
    expect(Number.isFinite(tr.heldOutLossAfter)).toBe(true);
    const ex = await e.exportModel!({ model: 'symphony', dtype: 'f32', format: 'hf' }, noCtx());
    expect(ex.name).toBe('symphony-symphony.zip');
    const zipBytes = new Uint8Array(await ex.zip!.arrayBuffer());
    expect([...zipBytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    expect([ex.bytes, ex.files]).toEqual([zipBytes.length, expect.any(Number) as number]);
    expect(ex.files).toBeGreaterThanOrEqual(5); // config, generation config, weights, tokenizer, card, recipe, ...
    // The recipe inside the export records what was actually built and trained.
    const zipText = new TextDecoder('latin1').decode(zipBytes);
    const start = zipText.indexOf('{', zipText.indexOf('recipe.json'));
    const recipe = JSON.parse(zipText.slice(start, zipText.indexOf('\n}', start) + 2)) as { moe: { topK: number }; training: { steps: number; lr: number }; router: { init: string } };
    expect(recipe.moe.topK).toBe(2);
    expect(recipe.training.steps).toBe(3);
    expect(recipe.training.lr).toBe(5e-3);
    expect(recipe.router.init).toBe('centroids');
    const g = await e.generate!({ model: 'symphony', prompt: 'The whale', maxNewTokens: 5, greedy: true, temperature: 0, seed: 0 }, noCtx<{ text: string }>());
    expect(g.text.length).toBeGreaterThan(0);
  });
});
