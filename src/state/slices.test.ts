import { beforeEach, describe, expect, it } from 'vitest';
import { deriveFindings } from './findings';
import { persistedPart } from './persist';
import { moveItem, reduceLoadEvent } from './sources-slice';
import { useStudio } from './store';
import type { TrainStep } from '../workers/studio-types';

const initial = useStudio.getState();
beforeEach(() => useStudio.setState(initial, true));

describe('sources slice', () => {
  it('adds without duplicates, keeps the expert order and anchor consistent on removal', () => {
    const s = useStudio.getState();
    s.addEntries([{ kind: 'demo', id: 'demo/a', domain: null }, { kind: 'demo', id: 'demo/b', domain: null }, { kind: 'demo', id: 'demo/a', domain: null }]);
    s.addEntries([{ kind: 'hub', id: 'x/c', domain: 'code' }]);
    expect(useStudio.getState().entries.map((e) => e.id)).toEqual(['demo/a', 'demo/b', 'x/c']);
    s.moveExpert(2, 0);
    s.setAnchor(2);
    expect(useStudio.getState().expertOrder).toEqual([2, 0, 1]);
    s.removeEntry(0);
    expect(useStudio.getState().expertOrder).toEqual([1, 0]);
    expect(useStudio.getState().anchor).toBe(1);
  });
  it('moves items and reduces load events', () => {
    expect(moveItem([1, 2, 3], 0, 2)).toEqual([2, 3, 1]);
    expect(moveItem([1, 2, 3], 0, 5)).toEqual([1, 2, 3]);
    const a = reduceLoadEvent(undefined, { source: 's', event: { type: 'stage', source: 's', stage: 'headers', message: 'reading headers' } });
    const b = reduceLoadEvent(a, {
      source: 's',
      event: { type: 'download', source: 's', file: 'model.safetensors', loaded: 5, total: 10, networkBytes: 5, cacheBytes: 0, bytesPerSecond: 100, etaSeconds: 0.05, fromCache: false },
    });
    expect(b).toMatchObject({ stage: 'downloading', loaded: 5, total: 10, bytesPerSecond: 100 });
  });
});

describe('persistence', () => {
  it('keeps config and results, drops the token unless remembered, and never persists running', () => {
    const s = useStudio.getState();
    s.setToken('hf_secret', false);
    s.setStageStatus('alignment', 'running');
    s.setStageStatus('sources', 'done');
    s.setAlignPartial(0.8);
    let p = persistedPart(useStudio.getState());
    expect(p.hubToken).toBeNull();
    expect(p.stageStatus.alignment).toBe('idle');
    expect(p.stageStatus.sources).toBe('done');
    expect(p.alignPartial).toBe(0.8);
    expect('gpuStatus' in p).toBe(false);
    expect('progress' in p).toBe(false);
    s.setToken('hf_secret', true);
    p = persistedPart(useStudio.getState());
    expect(p.hubToken).toBe('hf_secret');
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('training history', () => {
  it('keeps one entry per step across pause and resume', () => {
    const step = (n: number) => ({ step: n, lmLoss: 1, auxLoss: 2, gradNorm: 1, lr: 1e-3, tokensPerSec: 1, expertLoad: [], routerEntropy: 1 }) as TrainStep;
    const s = useStudio.getState();
    s.resetTrainHistory('m');
    [1, 2, 3].forEach((n) => s.pushTrainStep('m', step(n)));
    [3, 4].forEach((n) => s.pushTrainStep('m', step(n)));
    expect(useStudio.getState().trainHistory.map((h) => h.step)).toEqual([1, 2, 3, 4]);
    s.pushTrainStep('other', step(1));
    expect(useStudio.getState().trainHistory.map((h) => h.step)).toEqual([1]);
  });
});

describe('findings', () => {
  it('says which stage to run when nothing is measured', () => {
    const f = deriveFindings(useStudio.getState());
    expect(f).toHaveLength(6);
    expect(f.every((x) => x.numbers === null && x.holds === null)).toBe(true);
    expect(f[0].verdict).toMatch(/run Alignment/);
  });
  it('reads the measured numbers', () => {
    const layer = (model: number, fixedPoints: number) => ({ layer: 0, model, meanCorrBefore: 0.1, meanCorrAfter: 0.9, fixedPoints, histogram: [], deadAnchor: 0, deadModel: 0, certified: true, ms: 1 });
    const f = deriveFindings({
      ...useStudio.getState(),
      catalog: { models: [{ id: 'demo/base', domain: 'prose', description: '', origin: 'base' }, { id: 'demo/code', domain: 'code', description: '', origin: 'branched' }, { id: 'demo/indie', domain: 'math', description: '', origin: 'independent' }], domains: [] },
      entries: [{ kind: 'demo', id: 'demo/base', domain: 'prose' }, { kind: 'demo', id: 'demo/code', domain: 'code' }, { kind: 'demo', id: 'demo/indie', domain: 'math' }],
      expertOrder: [0, 1, 2],
      alignment: { anchor: 0, tokens: 10, width: 4, functionPreservation: 2e-7, layers: [layer(1, 0.95), layer(2, 0.02)] },
      cka: { experts: [], aligned: [], unaligned: [], maxDifference: 0, layers: [], models: [], numLayers: 0 },
      trainSummaries: { moe: { model: 'moe', steps: 1, balancedAux: 2, history: [{ step: 1, lmLoss: 1, auxLoss: 2.05, gradNorm: 1, lr: 1, tokensPerSec: 1, expertLoad: [], routerEntropy: 1 }], heldOutLossBefore: 1, heldOutLossAfter: 1 } },
      evalRows: [{ model: 'moe', label: 'Symphony', perplexity: ['prose', 'code', 'math'].map((d) => ({ domain: d, heldOut: false, perplexity: 5, tokens: 1 })), routing: [[[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.5, 0.3, 0.2]]] }],
    });
    const by = Object.fromEntries(f.map((x) => [x.id, x]));
    expect(by['function-preservation'].holds).toBe(true);
    expect(by['cka-invariance'].holds).toBe(true);
    expect(by['identity-permutations'].holds).toBe(true);
    expect(by['load-balance'].holds).toBe(true);
    expect(by['routing-by-domain'].numbers?.[0].value).toBeCloseTo(2 / 3);
    expect(by['shared-expert-alignment'].holds).toBeNull();
  });
});
