/**
 * Evaluation rows laid out for the table, the grouped bar chart and the token view (DOM-free,
 * unit-tested). Values are the engine's; nothing is computed beyond picking and ordering.
 */
import type { EvalRow, TokenRouting } from '../../workers/studio-types';

export interface DomainCol {
  name: string;
  heldOut: boolean;
}

/** Domains over all rows, in first-seen order, held-out ones last. */
export function evalDomains(rows: EvalRow[]): DomainCol[] {
  const seen = new Map<string, boolean>();
  for (const r of rows) for (const p of r.perplexity) if (!seen.has(p.domain)) seen.set(p.domain, p.heldOut);
  const all = [...seen.entries()].map(([name, heldOut]) => ({ name, heldOut }));
  return [...all.filter((d) => !d.heldOut), ...all.filter((d) => d.heldOut)];
}

/** Perplexity of `row` on `domain` (NaN when not measured). */
export function pplOf(row: EvalRow, domain: string): number {
  return row.perplexity.find((p) => p.domain === domain)?.perplexity ?? NaN;
}

/** The lowest perplexity of each domain over the rows (to mark the best model per column). */
export function bestPerDomain(rows: EvalRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of evalDomains(rows)) {
    const v = rows.map((r) => pplOf(r, d.name)).filter(Number.isFinite);
    if (v.length) out[d.name] = Math.min(...v);
  }
  return out;
}

/** Grouped-bar rows: one per domain, one key per model (`r<i>`). */
export function pplChartRows(rows: EvalRow[]): Record<string, number | string>[] {
  return evalDomains(rows).map((d) => {
    const row: Record<string, number | string> = { domain: d.heldOut ? `${d.name} (held out)` : d.name };
    rows.forEach((r, i) => {
      const v = pplOf(r, d.name);
      if (Number.isFinite(v)) row[`r${i}`] = v;
    });
    return row;
  });
}

export interface TokenSpan {
  text: string;
  /** Top-1 expert at the chosen layer (-1 when missing). */
  expert: number;
  /** "E1 0.62, E3 0.38" */
  detail: string;
}

/** A token as text: byte-level BPE and SentencePiece space/newline markers shown as what they are. */
export function displayToken(t: string): string {
  return t.replace(/[Ġ▁]/g, ' ').replace(/Ċ/g, '\n').replace(/ĉ/g, '\t');
}

/** Each token with its top-1 expert at `layer`, and all its chosen experts with weights. */
export function tokenSpans(r: TokenRouting, layer: number): TokenSpan[] {
  const ex = r.experts[layer] ?? [];
  const w = r.weights[layer] ?? [];
  return r.tokens.map((text, t) => {
    const chosen = ex[t] ?? [];
    const weights = w[t] ?? [];
    return {
      text: displayToken(text),
      expert: chosen.length ? chosen[0] : -1,
      detail: chosen.map((e, k) => `E${e} ${(weights[k] ?? NaN).toFixed(2)}`).join(', '),
    };
  });
}

/** Domain x expert matrix of one layer of a row's routing. */
export function routingMatrix(row: EvalRow, layer: number): number[][] {
  return row.routing?.[layer] ?? [];
}
