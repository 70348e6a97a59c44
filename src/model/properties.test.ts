// Model-level invariants on the CPU engine (DESIGN.md "Invariants worth property tests").
import { describe, expect, it } from 'vitest';
import { CpuBackend, CpuTensor } from '../core/cpu-backend';
import { maxAbsDiff } from '../core/testing/compare';
import { forceExpert } from './taps';
import { denseFfn, moeFromDense, randomFfn, withFfn } from './testing/derive';
import { FIXTURES, loadFixture } from './testing/fixtures';
import { Transformer } from './transformer';
import type { WeightProvider } from './weights';

const be = new CpuBackend();
const seq = Int32Array.from([5, 99, 12, 64, 3, 3, 120, 7, 41, 88, 2, 17, 30]);

async function logitsOf(w: WeightProvider, s = seq, opts = {}): Promise<Float32Array> {
  return (await new Transformer(be, w).logits(s, opts)).logits;
}

describe('engine invariants', () => {
  for (const name of FIXTURES) {
    it(`${name}: future tokens do not change earlier outputs`, async () => {
      const fx = loadFixture(name);
      const model = new Transformer(be, fx.weights);
      const V = fx.config.vocabSize;
      const full = (await model.logits(seq)).logits;
      const alt = seq.slice();
      alt.set([1, 2, 3, 4, 5], 8);
      const changed = (await model.logits(alt)).logits;
      expect(maxAbsDiff(changed.subarray(0, 8 * V), full.subarray(0, 8 * V))).toBe(0);
      expect(maxAbsDiff(changed.subarray(8 * V), full.subarray(8 * V))).toBeGreaterThan(1e-3);
    });

    it(`${name}: a batch of sequences equals each sequence alone; KV-cache steps equal the full pass`, async () => {
      const fx = loadFixture(name);
      const model = new Transformer(be, fx.weights);
      const V = fx.config.vocabSize;
      const a = seq.subarray(0, 9);
      const b = Int32Array.of(8, 6, 4, 2);
      const [na, nb] = await model.nll([a, b]);
      const [sa] = await model.nll([a]);
      expect(maxAbsDiff(na.subarray(0, 8), sa.subarray(0, 8))).toBeLessThan(1e-9);
      expect(nb.length).toBe(4);
      const full = (await model.logits(a)).logits;
      const cache = model.newCache();
      const first = await model.nextLogits(a.subarray(0, 5), cache);
      expect(maxAbsDiff(first, full.subarray(4 * V, 5 * V))).toBeLessThan(1e-5);
      for (let i = 5; i < a.length; i++) {
        const step = await model.nextLogits(a.subarray(i, i + 1), cache);
        expect(maxAbsDiff(step, full.subarray(i * V, (i + 1) * V))).toBeLessThan(1e-5);
      }
      expect(cache.length).toBe(a.length);
    });
  }

  it('the fixtures exercise the sliding window (mistral) and llama3 rope scaling (llama)', async () => {
    for (const [name, patch] of [['mistral', { slidingWindow: null }], ['llama', { ropeScaling: { type: 'default' } }]] as const) {
      const fx = loadFixture(name);
      const w = await fx.weights.toMemory();
      const variant = { ...w, config: { ...w.config, ...patch }, getTensor: w.getTensor.bind(w) };
      const diff = maxAbsDiff(await logitsOf(w), (await new Transformer(be, variant).logits(seq)).logits);
      expect(diff).toBeGreaterThan(1e-3);
    }
  });

  for (const [src, kind] of [['qwen2', 'qwen2_moe'], ['llama', 'mixtral']] as const) {
    it(`${kind} from ${src}: identical experts equal the dense model`, async () => {
      const dense = await loadFixture(src).weights.toMemory();
      const moe = moeFromDense(dense, (l) => [0, 1, 2, 3].map(() => denseFfn(dense, l)), kind, { topK: 2, normTopkProb: true, seed: 5 });
      const diff = maxAbsDiff(await logitsOf(moe), await logitsOf(dense));
      expect(diff).toBeLessThan(1e-5);
    });

    it(`${kind} from ${src}: a forced one-hot route to expert e equals model e`, async () => {
      const dense = await loadFixture(src).weights.toMemory();
      const ffns = [0, 1, 2].map((e) => (l: number) => (e === 0 ? denseFfn(dense, l) : randomFfn(denseFfn(dense, l), 100 * e + l)));
      const moe = moeFromDense(dense, (l) => ffns.map((f) => f(l)), kind, { topK: 2, normTopkProb: false, seed: 6 });
      const outs: Float32Array[] = [];
      for (let e = 0; e < 3; e++) {
        const forced = await logitsOf(moe, seq, { routeOverride: forceExpert(e) });
        const source = await logitsOf(withFfn(dense, ffns[e]));
        expect(maxAbsDiff(forced, source)).toBeLessThan(1e-5);
        outs.push(forced);
      }
      expect(maxAbsDiff(outs[0], outs[1])).toBeGreaterThan(1e-3);
    });
  }

  it('MoE dense-expert mode (used for expert taps) gives the same logits as sparse routing', async () => {
    const fx = loadFixture('qwen2_moe');
    const taps: number[] = [];
    const sparse = await logitsOf(fx.weights);
    const dense = await new Transformer(be, fx.weights).logits(seq, {
      taps: { expertOutput: (ev) => void taps.push(ev.y.shape[0]) },
    });
    expect(maxAbsDiff(dense.logits, sparse)).toBeLessThan(1e-6);
    expect(taps).toEqual(Array(8).fill(seq.length)); // 2 layers x 4 experts, every token
  });
});

describe('layer streaming and taps', () => {
  it('keeps at most one layer of weights resident (plus embeddings, norm, LM head)', async () => {
    const fx = loadFixture('qwen2_moe_norm');
    let live = 0;
    let peak = 0;
    const uploaded = new Set<CpuTensor>();
    const counting = new (class extends CpuBackend {
      override async upload(data: Float32Array, shape: readonly number[]): Promise<CpuTensor> {
        live += data.length;
        peak = Math.max(peak, live);
        const t = await super.upload(data, shape);
        uploaded.add(t);
        return t;
      }
      override release(...ts: (CpuTensor | null | undefined)[]): void {
        for (const t of ts) if (t && uploaded.delete(t)) live -= t.data.length;
      }
    })();
    const model = new Transformer(counting, fx.weights);
    await model.logits(seq);
    const c = fx.config;
    const globals = 2 * c.vocabSize * c.hiddenSize + c.hiddenSize; // untied: embed + lm_head
    let total = globals;
    let layer = 0;
    for (const n of fx.weights.names()) {
      const t = await fx.weights.getTensor(n);
      if (n.startsWith('model.layers.0.')) layer += t.data.length;
    }
    for (const n of fx.weights.names()) total += n.startsWith('model.layers.') ? (await fx.weights.getTensor(n)).data.length : 0;
    expect(peak).toBe(globals + layer);
    expect(peak).toBeLessThan(total);
    model.dispose();
    expect(live).toBe(0);
  });

  it('delivers FFN hidden h, residual stream and routing taps with the right shapes', async () => {
    const fx = loadFixture('qwen2_moe');
    const seen: string[] = [];
    const model = new Transformer(be, fx.weights);
    await model.logits(seq, {
      taps: {
        ffnHidden: (e) => void seen.push(`h ${e.layer} ${String(e.expert)} ${e.h.shape.join('x')} ${e.rows ? 'rows' : 'all'}`),
        residual: (e) => void seen.push(`r ${e.layer} ${e.point} ${e.x.shape.join('x')}`),
        routing: (e) => void seen.push(`route ${e.layer} ${e.routing.tokens}`),
      },
    });
    const T = seq.length;
    expect(seen).toContain(`r 0 input ${T}x32`);
    expect(seen).toContain(`r 1 mid ${T}x32`);
    expect(seen).toContain(`r 2 final ${T}x32`);
    expect(seen).toContain(`route 1 ${T}`);
    expect(seen).toContain(`h 0 shared ${T}x48 all`);
    expect(seen.filter((s) => s.startsWith('h 0 ') && s.endsWith('rows'))).toHaveLength(4);
  });
});
