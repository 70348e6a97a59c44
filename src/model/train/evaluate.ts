/**
 * Evaluation after training (METHOD.md section 4): per-domain perplexity of every model built
 * (sources, baselines, Symphony before and after Stage 2) on the same token windows, with the
 * one perplexity definition of src/model/eval.ts, and the routing-by-domain matrix per MoE
 * layer: share of each domain's (token, choice) slots sent to each expert (rows sum to 1).
 */
import type { BackendTensor, ComputeBackend } from '../../core/backend';
import { throwIfAborted } from '../../core/errors';
import { evalWindows, perplexity, type DomainPerplexity, type EvalDomain, type PerplexityOptions } from '../eval';
import { Transformer } from '../transformer';
import type { WeightProvider } from '../weights';

export interface NamedModel {
  name: string;
  weights: WeightProvider;
}

export interface PerplexityRow {
  model: string;
  results: DomainPerplexity[];
}

/** Perplexity of each model on each domain; all models see exactly the same windows. */
export async function perplexityTable<T extends BackendTensor>(
  be: ComputeBackend<T>, models: NamedModel[], domains: EvalDomain[], opts: PerplexityOptions,
): Promise<PerplexityRow[]> {
  const rows: PerplexityRow[] = [];
  for (const m of models) {
    throwIfAborted(opts.signal);
    const t = new Transformer(be, m.weights);
    try {
      rows.push({ model: m.name, results: await perplexity(t, domains, opts) });
    } finally {
      t.dispose();
    }
  }
  return rows;
}

export interface RoutingMatrix {
  domains: string[];
  /** Indices of the MoE layers. */
  layers: number[];
  /** share[i][d][e]: fraction of domain d's (token, choice) slots routed to expert e in layers[i]. */
  share: number[][][];
  /** Tokens routed per domain. */
  tokens: number[];
}

export async function routingByDomain<T extends BackendTensor>(
  be: ComputeBackend<T>, weights: WeightProvider, domains: EvalDomain[],
  opts: { windowLength: number; maxWindows?: number; windowsPerBatch?: number; signal?: AbortSignal },
): Promise<RoutingMatrix> {
  const cfg = weights.config;
  const layers = cfg.moe ? cfg.moe.sparseLayers.flatMap((s, l) => (s ? [l] : [])) : [];
  const E = cfg.moe?.numExperts ?? 0;
  const counts = layers.map(() => domains.map(() => new Float64Array(E)));
  const tokens = domains.map(() => 0);
  const model = new Transformer(be, weights);
  const per = Math.max(1, opts.windowsPerBatch ?? 8);
  try {
    for (let d = 0; d < domains.length; d++) {
      const windows = evalWindows(domains[d].tokens, opts.windowLength, opts.maxWindows);
      for (let b = 0; b < windows.length; b += per) {
        throwIfAborted(opts.signal);
        const batch = windows.slice(b, b + per);
        const { hidden } = await model.hidden(batch, {
          signal: opts.signal,
          taps: {
            routing: ({ layer, routing }) => {
              const i = layers.indexOf(layer);
              for (let s = 0; s < routing.experts.length; s++) counts[i][d][routing.experts[s]] += 1;
            },
          },
        });
        be.release(hidden);
        tokens[d] += batch.reduce((a, w) => a + w.length, 0);
      }
    }
  } finally {
    model.dispose();
  }
  const share = counts.map((byDomain) => byDomain.map((c) => {
    const total = c.reduce((a, v) => a + v, 0);
    return [...c].map((v) => (total > 0 ? v / total : 0));
  }));
  return { domains: domains.map((d) => d.name), layers, share, tokens };
}
