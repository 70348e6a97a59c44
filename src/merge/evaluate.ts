/**
 * Evaluation stage: per-domain perplexity of every model built, on the same tokens (the
 * definition of src/model/eval.ts), and for MoE models the routing-by-domain matrix per layer:
 * the share of each domain's (token, choice) slots sent to each expert.
 */
import type { BackendTensor } from '../core/backend';
import { throwIfAborted } from '../core/errors';
import { perplexity, type DomainPerplexity, type EvalDomain } from '../model/eval';
import { routingByDomain } from '../model/train/evaluate';
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
    model.dispose();
    // Routing by domain on the same windows (src/model/train/evaluate.ts, batched); every layer
    // of the MoEs built here is sparse, so its rows are indexed by layer.
    const routing = m.weights.config.moe
      ? (await routingByDomain(ctx.backend, m.weights, domains, { windowLength: opts.windowLength, maxWindows: opts.maxWindows, signal: ctx.signal })).share
      : null;
    out.push({ model: m.name, perplexity: ppl, routing });
  }
  return out;
}
