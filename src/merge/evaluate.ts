/**
 * Evaluation stage: per-domain perplexity of every model built, on the same tokens (the
 * definition of src/model/eval.ts), and for MoE models the routing-by-domain matrix per layer:
 * the share of each domain's (token, choice) slots sent to each expert.
 */
import type { BackendTensor } from '../core/backend';
import { throwIfAborted } from '../core/errors';
import { evalWindows, perplexity, type DomainPerplexity, type EvalDomain } from '../model/eval';
import { Transformer } from '../model/transformer';
import type { WeightProvider } from '../model/weights';
import type { StageContext } from './context';

export interface ModelEval {
  model: string;
  perplexity: DomainPerplexity[];
  /** routing[layer][domain][expert]: share of the domain's slots; null for dense models. */
  routing: number[][][] | null;
}

export async function evaluateModels<T extends BackendTensor>(
  models: readonly { name: string; weights: WeightProvider }[], domains: EvalDomain[],
  opts: { windowLength: number; maxWindows?: number }, ctx: StageContext<T>,
): Promise<ModelEval[]> {
  const out: ModelEval[] = [];
  for (const [i, m] of models.entries()) {
    throwIfAborted(ctx.signal);
    const model = new Transformer(ctx.backend, m.weights);
    const ppl = await perplexity(model, domains, {
      windowLength: opts.windowLength, maxWindows: opts.maxWindows, signal: ctx.signal,
      onProgress: (d, done, total) => ctx.progress?.({ stage: 'evaluate', done: i, total: models.length, message: `${m.name}: ${d} ${done}/${total}` }),
    });
    let routing: number[][][] | null = null;
    const moe = m.weights.config.moe;
    if (moe) {
      const L = m.weights.config.numLayers;
      const counts = Array.from({ length: L }, () => domains.map(() => new Array<number>(moe.numExperts).fill(0)));
      for (const [di, d] of domains.entries()) {
        // The same windows the perplexity above was computed on.
        const r = await model.hidden(evalWindows(d.tokens, opts.windowLength, opts.maxWindows), {
          signal: ctx.signal,
          taps: {
            routing: ({ layer, routing: rt }) => {
              for (let t = 0; t < rt.tokens * rt.topK; t++) counts[layer][di][rt.experts[t]]++;
            },
          },
        });
        ctx.backend.release(r.hidden);
      }
      routing = counts.map((perDomain) => perDomain.map((c) => {
        const tot = c.reduce((a, b) => a + b, 0) || 1;
        return c.map((v) => v / tot);
      }));
    }
    model.dispose();
    out.push({ model: m.name, perplexity: ppl, routing });
  }
  return out;
}
