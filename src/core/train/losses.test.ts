// Router losses: HF's load_balancing_loss_func (golden from transformers), the balanced value
// k, and their gradients through the router (finite differences in f64).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkGradient, rand64 } from '../grad/finite-diff';
import { routeBackward, routeForward } from '../grad/router';
import { Rng } from '../rng';
import { expertLoad, loadBalancingLoss, routerEntropy, routerZLoss } from './losses';

const golden = (JSON.parse(readFileSync(new URL('../../model/train/fixtures/train_goldens.json', import.meta.url), 'utf8')) as {
  balance: { logits: number[][]; tokens: number; experts: number; topK: number; loss: number };
}).balance;

describe('load balancing (HF Switch form)', () => {
  it("equals transformers' load_balancing_loss_func over concatenated layers", () => {
    const layers = golden.logits.map((l) => routeForward(Float64Array.from(l), golden.tokens, golden.experts, golden.topK, false));
    expect(Math.abs(loadBalancingLoss(layers).value - golden.loss)).toBeLessThan(1e-6);
  });

  it('equals top_k at perfect balance and exceeds it when collapsed', () => {
    for (const k of [1, 2, 3]) {
      const E = 4;
      // Uniform p (ties broken toward low ids), but tokens rotate their logits so each expert
      // is chosen equally often.
      const T = 8;
      const logits = new Float64Array(T * E);
      for (let t = 0; t < T; t++) for (let j = 0; j < k; j++) logits[t * E + ((t + j) % E)] = 1e-9;
      const r = routeForward(logits, T, E, k, false);
      expect(loadBalancingLoss([r]).value).toBeCloseTo(k, 6);
      const collapsed = routeForward(Float64Array.from({ length: T * E }, (_, i) => (i % E === 0 ? 5 : 0)), T, E, k, false);
      expect(loadBalancingLoss([collapsed]).value).toBeGreaterThan(k * 1.2);
    }
  });

  it('gradient through softmax (top-k mask held constant, as HF) and z-loss gradient match finite differences', () => {
    const rng = new Rng(3);
    const [T, E, k] = [9, 4, 2];
    const a = rand64(rng, T * E, -2, 2);
    const b = rand64(rng, 5 * E, -2, 2);
    const L = (): number => {
      const ra = routeForward(a, T, E, k, true);
      const rb = routeForward(b, 5, E, k, true);
      return loadBalancingLoss([ra, rb]).value + 0.3 * routerZLoss([{ tokens: T, numExperts: E, data: a }, { tokens: 5, numExperts: E, data: b }]).value;
    };
    const ra = routeForward(a, T, E, k, true);
    const rb = routeForward(b, 5, E, k, true);
    const bal = loadBalancingLoss([ra, rb]);
    const z = routerZLoss([{ tokens: T, numExperts: E, data: a }, { tokens: 5, numExperts: E, data: b }]);
    const ga = routeBackward(ra, new Float64Array(T * k), bal.dProbs[0], z.dLogits[0].map((v) => 0.3 * v));
    const gb = routeBackward(rb, new Float64Array(5 * k), bal.dProbs[1], z.dLogits[1].map((v) => 0.3 * v));
    expect(checkGradient(L, a, ga).maxAbsErr).toBeLessThan(1e-8);
    expect(checkGradient(L, b, gb).maxAbsErr).toBeLessThan(1e-8);
  });

  it('descending the balance loss alone spreads a collapsed router toward k', () => {
    const [T, E, k] = [32, 4, 2];
    const rng = new Rng(4);
    const logits = Float64Array.from({ length: T * E }, (_, i) => (i % E === 0 ? 3 : 0) + rng.uniform(-0.5, 0.5));
    const start = loadBalancingLoss([routeForward(logits, T, E, k, false)]).value;
    for (let it = 0; it < 300; it++) {
      const r = routeForward(logits, T, E, k, false);
      const g = routeBackward(r, new Float64Array(T * k), loadBalancingLoss([r]).dProbs[0]);
      for (let i = 0; i < logits.length; i++) logits[i] -= 2 * T * g[i];
    }
    const end = loadBalancingLoss([routeForward(logits, T, E, k, false)]).value;
    expect(start).toBeGreaterThan(2.5);
    expect(Math.abs(end - k)).toBeLessThan(Math.abs(start - k) * 0.2);
  });
});

describe('routing statistics', () => {
  it('expert load sums to 1; entropy is ln E for uniform and 0 for one-hot', () => {
    const r = routeForward(new Float64Array(12), 3, 4, 2, false);
    expect([...expertLoad(r)].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(routerEntropy(r)).toBeCloseTo(Math.log(4), 12);
    const hot = routeForward(Float64Array.of(800, 0, 0, 0), 1, 4, 1, false);
    expect(routerEntropy(hot)).toBeCloseTo(0, 12);
    expect([...expertLoad(hot)]).toEqual([1, 0, 0, 0]);
  });
});
