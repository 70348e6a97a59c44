/**
 * The checks of METHOD.md section 6, read from what this session measured (the slices). Each
 * finding has the measured numbers, a verdict, and the stage to run while it is not measured.
 * Pure functions of the state; the tour's findings page renders them.
 */
import type { EvalRow } from '../workers/studio-types';
import type { StageId } from './stages';
import type { StudioState } from './store';

export interface FindingNumber {
  label: string;
  value: number;
  /** How to print it: 'sci' (1.2e-6), 'fraction' (0.93), 'ppl' (12.3). */
  kind: 'sci' | 'fraction' | 'ppl' | 'loss';
}

export interface FindingView {
  id: 'function-preservation' | 'cka-invariance' | 'identity-permutations' | 'shared-expert-alignment' | 'load-balance' | 'routing-by-domain';
  title: string;
  claim: string;
  /** null: not measured yet (run `stage`). */
  numbers: FindingNumber[] | null;
  holds: boolean | null;
  verdict: string;
  stage: StageId;
}

type S = Pick<StudioState, 'alignment' | 'cka' | 'summaries' | 'entries' | 'catalog' | 'evalRows' | 'built' | 'trainSummaries' | 'expertOrder'>;

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function sourceLabel(s: S, model: number): string {
  return s.summaries[model]?.id ?? s.entries[model]?.id ?? `model ${model}`;
}

function origin(s: S, model: number): string | null {
  const id = s.entries[model]?.id;
  return s.catalog?.models.find((m) => m.id === id)?.origin ?? null;
}

/** Mean perplexity over the in-distribution domains of one row. */
export function meanInDomainPpl(row: EvalRow): number {
  return mean(row.perplexity.filter((p) => !p.heldOut).map((p) => p.perplexity));
}

export function deriveFindings(s: S): FindingView[] {
  const out: FindingView[] = [];
  const fp = s.alignment?.functionPreservation;
  // f32 sums taken in another order (a GPU reduces the permuted FFN in a different order) differ
  // by a few ulps of the largest logit, so the check is relative to the logit scale.
  const rel = s.alignment?.functionPreservationRelative;
  const ok = fp === undefined ? null : rel !== undefined ? rel <= 1e-6 : fp <= 1e-5;
  out.push({
    id: 'function-preservation', title: 'Function preservation', stage: 'alignment',
    claim: 'Skipping the permutation leaves the MoE logits unchanged up to f32 rounding (max |Δ logits| ≤ 1e-6 of the largest logit; ~1e-5 absolute).',
    numbers: fp === undefined ? null : [
      { label: 'max |Δ logits|', value: fp, kind: 'sci' },
      ...(rel !== undefined ? [{ label: 'relative to max |logit|', value: rel, kind: 'sci' as const }] : []),
    ],
    holds: ok,
    verdict: ok === null ? 'Not measured yet: run Alignment.' : ok ? 'Holds: the experts compute the same functions, only their neuron order changed.' : 'Does not hold at this tolerance: look for a bug or a precision problem.',
  });
  const md = s.cka?.maxDifference;
  out.push({
    id: 'cka-invariance', title: 'CKA invariance', stage: 'cka',
    claim: 'CKA between experts is unchanged by the permutation.',
    numbers: md === undefined ? null : [{ label: 'max |CKA aligned − unaligned|', value: md, kind: 'sci' }],
    holds: md === undefined ? null : md <= 1e-4,
    verdict: md === undefined ? 'Not measured yet: run CKA.' : md <= 1e-4 ? 'Holds: CKA compares what experts compute, which a permutation does not change.' : 'Does not hold at this tolerance.',
  });
  const byModel = new Map<number, number[]>();
  for (const l of s.alignment?.layers ?? []) byModel.set(l.model, [...(byModel.get(l.model) ?? []), l.fixedPoints]);
  const perm = [...byModel.entries()].map(([m, f]) => ({ m, f: mean(f), origin: origin(s, m) }));
  const branched = perm.filter((p) => p.origin === 'branched' || p.origin === 'base').map((p) => p.f);
  const indep = perm.filter((p) => p.origin === 'independent').map((p) => p.f);
  const permHolds = branched.length && indep.length ? Math.min(...branched) > Math.max(...indep) : null;
  out.push({
    id: 'identity-permutations', title: 'Identity-like permutations for shared-base experts', stage: 'alignment',
    claim: 'Experts branched from one base get a permutation close to the identity; an independently pre-trained source does not.',
    numbers: perm.length ? perm.map((p) => ({ label: `${sourceLabel(s, p.m)}${p.origin ? ` (${p.origin})` : ''}: fixed points`, value: p.f, kind: 'fraction' as const })) : null,
    holds: perm.length ? permHolds : null,
    verdict: !perm.length ? 'Not measured yet: run Alignment.' : permHolds === null ? 'Measured; the origin of the sources (branched / independent) is known only for the demo family.' : permHolds ? 'Holds: branched experts keep most neurons in place, the independent one does not.' : 'Does not hold here.',
  });
  const shared = s.evalRows.find((r) => s.built.find((b) => b.id === r.model)?.kind === 'symphony-shared');
  const unaligned = s.evalRows.find((r) => /unaligned|no[- ]?align/i.test(`${r.model} ${r.label}`) && /shared|mean/i.test(`${r.model} ${r.label}`));
  const sharedNums = [shared, unaligned].filter((r): r is EvalRow => Boolean(r)).map((r) => ({ label: `${r.label}: mean perplexity`, value: meanInDomainPpl(r), kind: 'ppl' as const }));
  out.push({
    id: 'shared-expert-alignment', title: 'Mean-FFN shared expert, with and without alignment', stage: shared ? 'evaluate' : 'merge',
    claim: 'A shared expert built as the mean of the sources’ FFNs is much better with alignment than without.',
    numbers: sharedNums.length ? sharedNums : null,
    holds: shared && unaligned ? meanInDomainPpl(shared) < meanInDomainPpl(unaligned) : null,
    verdict: !shared ? 'Not measured yet: build the symphony-shared baseline in Merge, then run Evaluate.' : !unaligned ? 'Aligned variant measured; the engine built no unaligned variant to compare with.' : meanInDomainPpl(shared) < meanInDomainPpl(unaligned) ? 'Holds: averaging FFNs needs their neurons in the same order.' : 'Does not hold here.',
  });
  const trained = Object.values(s.trainSummaries).filter((t) => t.history.length);
  const last = trained.map((t) => ({ t, aux: t.history[t.history.length - 1].auxLoss }));
  const balanced = last.length ? last.every((x) => x.aux <= x.t.balancedAux * 1.1) : null;
  out.push({
    id: 'load-balance', title: 'Load balance after router training', stage: 'train',
    claim: 'With λ = 0.01 and top-2 of 4, the aux loss approaches its balanced value (top_k) and expert load is near uniform.',
    numbers: last.length ? last.flatMap((x) => [
      { label: `${x.t.model}: final aux loss`, value: x.aux, kind: 'loss' as const },
      { label: `${x.t.model}: balanced value (top_k)`, value: x.t.balancedAux, kind: 'loss' as const },
    ]) : null,
    holds: balanced,
    verdict: !last.length ? 'Not measured yet: run Train.' : balanced ? 'Holds: within 10% of the balanced value.' : 'Not yet balanced: train longer or raise the balance coefficient.',
  });
  const routed = s.evalRows.filter((r) => r.routing && r.routing.length);
  const hits = routed.map((r) => routingHits(r, s));
  const rh = hits.filter((h): h is { hit: number; of: number; label: string } => h !== null);
  out.push({
    id: 'routing-by-domain', title: 'Routing follows the domain', stage: 'evaluate',
    claim: 'After Stage 2, tokens of a domain go mostly to the expert from that domain’s source.',
    numbers: rh.length ? rh.map((h) => ({ label: `${h.label}: domains routed mostly to their own expert`, value: h.hit / h.of, kind: 'fraction' as const })) : null,
    holds: rh.length ? rh.some((h) => h.hit / h.of >= 0.5) : null,
    verdict: !routed.length ? 'Not measured yet: run Evaluate on a merged model.' : !rh.length ? 'Measured, but no source has a domain set (Sources: domain per source).' : rh.some((h) => h.hit / h.of >= 0.5) ? 'Holds for at least one model: most domains prefer their own expert.' : 'Does not hold yet: routing is not domain-specific (train the router first).',
  });
  return out;
}

/** For one MoE row: how many domains (with an expert of their own) send most slots, averaged over layers, to that expert. */
export function routingHits(row: EvalRow, s: Pick<S, 'entries' | 'expertOrder'>): { hit: number; of: number; label: string } | null {
  if (!row.routing?.length) return null;
  const domains = row.perplexity.map((p) => p.domain);
  const expertDomain = s.expertOrder.map((i) => s.entries[i]?.domain ?? null);
  let hit = 0;
  let of = 0;
  domains.forEach((d, di) => {
    const own = expertDomain.indexOf(d);
    if (own < 0) return;
    const E = row.routing![0][di]?.length ?? 0;
    const share = Array.from({ length: E }, (_, e) => mean(row.routing!.map((layer) => layer[di]?.[e] ?? 0)));
    of++;
    if (share.indexOf(Math.max(...share)) === own) hit++;
  });
  return of ? { hit, of, label: row.label } : null;
}
