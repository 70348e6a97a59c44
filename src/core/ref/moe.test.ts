// Router top-k and the gather / weighted scatter around experts.
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { gatherRows, routeTopK, scatterAddRows, tokensPerExpert } from './moe';

describe('routeTopK', () => {
  const t = 20;
  const e = 6;
  const logits = new Rng(3).uniformArray(t * e, -4, 4);

  it('softmax over all experts, top-k descending, optional renormalisation', () => {
    for (const renorm of [false, true]) {
      const r = routeTopK(logits, t, e, 2, renorm);
      for (let i = 0; i < t; i++) {
        const p = r.probs.subarray(i * e, (i + 1) * e);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        const sorted = [...p].sort((a, b) => b - a);
        const [e0, e1] = [r.experts[2 * i], r.experts[2 * i + 1]];
        expect(p[e0]).toBe(sorted[0]);
        expect(p[e1]).toBe(sorted[1]);
        const wsum = r.weights[2 * i] + r.weights[2 * i + 1];
        expect(wsum).toBeCloseTo(renorm ? 1 : sorted[0] + sorted[1], 6);
      }
    }
  });

  it('breaks ties toward the lower expert id', () => {
    const r = routeTopK(new Float32Array(4), 1, 4, 2, false);
    expect([...r.experts]).toEqual([0, 1]);
    expect(r.weights[0]).toBeCloseTo(0.25, 7);
  });

  it('tokensPerExpert lists every (token, choice) once', () => {
    const r = routeTopK(logits, t, e, 3, true);
    const lists = tokensPerExpert(r);
    expect(lists.reduce((a, l) => a + l.rows.length, 0)).toBe(t * 3);
  });
});

describe('gather / scatter', () => {
  it('scatter of gathered rows with weight 1 rebuilds the selected rows; weights scale', () => {
    const x = new Rng(4).uniformArray(5 * 3);
    const rows = Int32Array.of(4, 0, 2);
    const g = gatherRows(x, 3, rows);
    expect([...g.subarray(0, 3)]).toEqual([...x.subarray(12, 15)]);
    const acc = new Float32Array(15);
    scatterAddRows(acc, g, 3, rows, Float32Array.of(1, 2, 0.5));
    expect(acc[12]).toBeCloseTo(x[12], 7);
    expect(acc[0]).toBeCloseTo(2 * x[0], 7);
    expect(acc[6]).toBeCloseTo(0.5 * x[6], 7);
    expect(acc[3]).toBe(0);
    const acc2 = new Float32Array(15);
    scatterAddRows(acc2, x, 3, rows, Float32Array.of(1, 1, 1), rows);
    expect(acc2[12]).toBe(x[12]);
  });
});
