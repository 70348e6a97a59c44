import { describe, expect, it } from 'vitest';
import type { EvalRow } from '../../workers/studio-types';
import { bestPerDomain, displayToken, evalDomains, pplChartRows, pplOf, routingMatrix, tokenSpans } from './eval-data';

const row = (model: string, a: number, b: number): EvalRow => ({
  model, label: model,
  perplexity: [
    { domain: 'legal', heldOut: true, perplexity: b, tokens: 10 },
    { domain: 'prose', heldOut: false, perplexity: a, tokens: 10 },
  ],
  routing: model === 'moe' ? [[[0.7, 0.3], [0.2, 0.8]]] : null,
});

describe('evaluation layout', () => {
  const rows = [row('dense', 12, 40), row('moe', 10, 45)];
  it('orders domains with held-out last and finds the best', () => {
    expect(evalDomains(rows)).toEqual([{ name: 'prose', heldOut: false }, { name: 'legal', heldOut: true }]);
    expect(bestPerDomain(rows)).toEqual({ prose: 10, legal: 40 });
    expect(pplOf(rows[0], 'nope')).toBeNaN();
  });
  it('makes grouped-bar rows and routing matrices', () => {
    expect(pplChartRows(rows)).toEqual([{ domain: 'prose', r0: 12, r1: 10 }, { domain: 'legal (held out)', r0: 40, r1: 45 }]);
    expect(routingMatrix(rows[1], 0)).toEqual([[0.7, 0.3], [0.2, 0.8]]);
    expect(routingMatrix(rows[0], 0)).toEqual([]);
  });
  it('colours tokens by their top-1 expert', () => {
    const spans = tokenSpans({ tokens: ['a', 'b'], experts: [[[1, 0], [0, 1]]], weights: [[[0.6, 0.4], [0.9, 0.1]]] }, 0);
    expect(spans).toEqual([{ text: 'a', expert: 1, detail: 'E1 0.60, E0 0.40' }, { text: 'b', expert: 0, detail: 'E0 0.90, E1 0.10' }]);
    expect(tokenSpans({ tokens: ['a'], experts: [], weights: [] }, 3)[0].expert).toBe(-1);
    expect(displayToken('Ġthe')).toBe(' the');
    expect(displayToken('▁of')).toBe(' of');
    expect(displayToken('Ċ')).toBe('\n');
  });
});
