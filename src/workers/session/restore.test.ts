// The stage cache on the demo (CPU backend, in Node): a second engine over the same store (a
// reload) restores calibration, alignment, CKA, merge, the trainer checkpoint and the evaluation
// without recomputing them, resumes training from the checkpointed step and ends on exactly the
// parameters of an uninterrupted run; a damaged entry is reported stale and dropped; discarding
// a run removes it; the playground generates the same text on onnxruntime-web (wasm).
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../core/cpu-backend';
import type { BackendTensor, ComputeBackend } from '../../core/backend';
import { MemoryStageStore } from '../../io/stage-store';
import { createEngine } from '../engine';
import type { EngineApi } from '../protocol';
import type { Handlers } from '../rpc';
import { nodeDemoAssets } from '../testing/demo-files';
import type { CalibrationRequest, MergeRequest, RestoreRequest, TrainRequest, TrainStep } from '../studio-types';
import { StageCache } from './stage-cache';

const ctx = <P,>(signal = new AbortController().signal, progress: (e: P) => void = () => {}) => ({ signal, progress });
const demo = nodeDemoAssets();
const be = new CpuBackend() as unknown as ComputeBackend<BackendTensor>;
const engine = (store: MemoryStageStore): Partial<Handlers<EngineApi>> => createEngine({
  demo, backend: () => Promise.resolve(be), stages: store, ort: () => { ort.env.wasm.numThreads = 1; ort.env.logLevel = 'error'; return Promise.resolve(ort); },
});
const REFS = [{ kind: 'demo' as const, id: 'demo/prose' }, { kind: 'demo' as const, id: 'demo/code' }];
const CAL: CalibrationRequest = { domains: [{ name: 'prose', builtin: true }, { name: 'code', builtin: true }], tokensPerDomain: 128, seqLen: 32 };
const MERGE: MergeRequest = { backbone: { rule: 'symphony', slerpT: 0.5 }, topK: 1, normTopkProb: false, routerInit: 'centroids', baselines: [], dropRatio: 0.5, seed: 0 };
const TRAIN: TrainRequest = { model: 'symphony', scope: 'router', steps: 4, lr: 5e-3, batchTokens: 64, seqLen: 32, balanceCoef: 0.01, warmupSteps: 0, seed: 0, checkpointEvery: 2 };
const RESTORE: RestoreRequest = { calibration: CAL, alignPartial: 1, cka: true, merge: MERGE, train: true, evaluate: true };

async function loaded(e: Partial<Handlers<EngineApi>>): Promise<void> {
  await e.loadSources!({ refs: REFS }, ctx());
  await e.setRoles!({ anchor: 0, experts: [0, 1], domains: ['prose', 'code'] }, ctx());
}

describe('stage cache: a reload continues from the finished stages', () => {
  it('restores every stage, resumes training from the checkpoint, matches an uninterrupted run', { timeout: 300_000 }, async () => {
    const store = new MemoryStageStore();
    const a = engine(store);
    await loaded(a);
    await a.calibrate!(CAL, ctx());
    const al = await a.align!({ partial: 1 }, ctx());
    const ck = await a.cka!({}, ctx());
    await a.merge!(MERGE, ctx());
    // Pause after step 3: checkpoints were written at step 2 and on the pause (step 3).
    const ac = new AbortController();
    await expect(a.train!(TRAIN, ctx(ac.signal, (s: TrainStep) => { if (s.step === 3) ac.abort(); }))).rejects.toThrow(/paused at step 3/);
    const cached = (await store.list()).map((m) => m.stage).sort();
    expect(cached).toEqual(['alignment', 'calibration', 'cka', 'merge', 'train']);

    // A fresh engine over the same store (the page reloaded): restore, nothing recomputed.
    const b = engine(store);
    await loaded(b);
    const progress: string[] = [];
    const r = await b.restore!({ ...RESTORE, evaluate: false }, ctx(undefined, (e: { message?: string }) => progress.push(e.message ?? '')));
    expect(r.stages.map((x) => `${x.stage}:${x.status}`)).toEqual(['calibration:restored', 'alignment:restored', 'cka:restored', 'merge:restored', 'train:restored']);
    expect(r.training).toHaveLength(1);
    expect(r.training[0]).toMatchObject({ model: 'symphony', totalSteps: 4, finished: false });
    expect(r.training[0].summary.steps).toBe(3);
    expect(r.built.find((m) => m.id === 'symphony')?.trained).toBe(true);
    expect((await b.permutation!({ model: 1, layer: 0 }, ctx())).sigma).toHaveLength(al.width);
    // The same request resumes at step 4 (not from 1).
    const steps: number[] = [];
    const resumed = await b.train!(TRAIN, ctx(undefined, (s: TrainStep) => steps.push(s.step)));
    expect(steps).toEqual([4]);

    // An uninterrupted run of the same request ends on the same held-out loss, bit for bit.
    const c = engine(new MemoryStageStore());
    await loaded(c);
    await c.calibrate!(CAL, ctx());
    await c.align!({ partial: 1 }, ctx());
    await c.merge!(MERGE, ctx());
    const straight = await c.train!(TRAIN, ctx());
    expect(resumed.heldOutLossAfter).toBe(straight.heldOutLossAfter);
    expect(resumed.history.map((h) => h.lmLoss)).toEqual(straight.history.map((h) => h.lmLoss));

    // Evaluate and export on the restored engine, then a third engine also gets the evaluation.
    const ev = await b.evaluate!({ models: ['symphony'], heldOut: false, tokensPerDomain: 64 }, ctx());
    const ex = await b.exportModel!({ model: 'symphony', dtype: 'f32', format: 'hf' }, ctx());
    expect([...new Uint8Array(await ex.zip!.slice(0, 2).arrayBuffer())]).toEqual([0x50, 0x4b]);
    const d = engine(store);
    await loaded(d);
    const rd = await d.restore!(RESTORE, ctx());
    expect(rd.stages.find((x) => x.stage === 'evaluate')?.status).toBe('restored');
    expect(rd.training[0].summary.steps).toBe(4);
    expect(ck.maxDifference).toBeLessThan(1e-6);
    const again = await d.evaluate!({ models: ['symphony'], heldOut: false, tokensPerDomain: 64 }, ctx());
    expect(again[0].perplexity).toEqual(ev[0].perplexity);

    // The playground on onnxruntime-web (wasm) generates what our engine generates (greedy).
    const g = { model: 'symphony', prompt: 'The whale', maxNewTokens: 4, greedy: true, temperature: 0, seed: 0 };
    const ours = await d.generate!({ ...g, runtime: 'engine' }, ctx());
    const onnx = await d.generate!({ ...g, runtime: 'ort-wasm' }, ctx());
    expect(onnx.text).toBe(ours.text);

    // Discarding the run drops it from the engine and the cache: the model is untrained again.
    expect(await d.stopTraining!({ model: 'symphony', keep: false }, ctx())).toBeNull();
    expect((await store.list()).some((m) => m.stage === 'train')).toBe(false);
    const e = engine(store);
    await loaded(e);
    const re = await e.restore!({ ...RESTORE, evaluate: false }, ctx());
    expect(re.training).toEqual([]);
    expect(re.stages.find((x) => x.stage === 'train')?.status).toBe('missing');
    expect(re.built.find((m) => m.id === 'symphony')?.trained).toBe(false);
  });

  it('reports a damaged entry as stale, drops it, and misses on changed inputs', { timeout: 120_000 }, async () => {
    const store = new MemoryStageStore();
    const a = engine(store);
    await loaded(a);
    await a.calibrate!(CAL, ctx());
    await a.align!({ partial: 1 }, ctx());
    const entry = (await store.list()).find((m) => m.stage === 'alignment')!;
    const env = (await store.get(entry.key)) as { value: { match: { perms: (Int32Array | null)[][] } } };
    env.value.match.perms[1][0] = new Int32Array(env.value.match.perms[1][0]!.length); // not a permutation
    await store.put(entry, env);
    const b = engine(store);
    await loaded(b);
    const r = await b.restore!({ ...RESTORE, cka: false, merge: null, train: false, evaluate: false }, ctx());
    expect(r.stages.map((x) => x.status)).toEqual(['restored', 'stale']);
    expect(r.stages[1].message).toMatch(/Run the stage again/);
    expect((await store.list()).some((m) => m.key === entry.key)).toBe(false);
    await expect(Promise.resolve().then(() => b.permutation!({ model: 1, layer: 0 }, ctx()))).rejects.toThrow(/Run the alignment first/);
    // Another calibration request is another key: a miss, and everything after it is missing.
    const m = await b.restore!({ ...RESTORE, calibration: { ...CAL, seqLen: 16 } }, ctx());
    expect(m.stages.map((x) => `${x.stage}:${x.status}`)).toEqual(['calibration:missing', 'alignment:missing', 'cka:missing', 'merge:missing', 'train:missing', 'evaluate:missing']);
  });

  it('bounds its size: the oldest entries go first, a value over the bound is not stored', async () => {
    let t = 0;
    const c = new StageCache(new MemoryStageStore(), 3000, () => ++t);
    expect(await c.put('calibration', 'a', new Float64Array(100))).toBe(true);
    expect(await c.put('alignment', 'b', new Float64Array(100))).toBe(true);
    expect(await c.put('merge', 'c', new Float64Array(200))).toBe(true);
    const info = await c.info();
    expect(info.bytes).toBeLessThanOrEqual(3000);
    expect(await c.get('calibration', 'a')).toBeNull();
    expect(await c.get('alignment', 'b')).toBeInstanceOf(Float64Array);
    expect(await c.put('train', 'd', new Float64Array(1000))).toBe(false);
    await expect(c.get('cka', 'b')).rejects.toThrow(/damaged or from another version/);
    expect(await c.get('alignment', 'b')).toBeNull();
    await c.clear();
    expect((await c.info()).entries).toEqual([]);
  });
});
