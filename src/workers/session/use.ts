/**
 * Evaluate-stage handlers: per-domain perplexity of the built models and sources on the same
 * tokens (calibration domains' validation text, plus held-out domains), routing by domain,
 * token-level routing of a pasted text, and generation for the playground.
 */
import { InvalidArgumentError } from '../../core/errors';
import { tokenMap } from '../../merge/checkpoint-weights';
import { tokenStream } from '../../merge/calibrate';
import { evaluateModels } from '../../merge/evaluate';
import { generate as generateTokens } from '../../model/generate';
import { Transformer } from '../../model/transformer';
import type { HandlerContext } from '../rpc';
import type { ProgressEvent } from '../protocol';
import type { EvalRow, PlaygroundRuntime, TokenRouting } from '../studio-types';
import type { StudioSession } from './state';
import { saveEvaluation } from './stage-keys';
import { ortGenerateIds } from './ort-playground';

/** Validation tokens per evaluation domain (anchor ids). */
export const EVAL_TOKENS = 512;

async function evalDomains(s: StudioSession, heldOut: boolean, tokens: number): Promise<{ name: string; heldOut: boolean; tokens: Int32Array }[]> {
  const catalog = await s.deps.demo.catalog();
  const tok = s.sources[s.anchor].tokenizer;
  const out: { name: string; heldOut: boolean; tokens: Int32Array }[] = [];
  const names = [...s.calibrationDomains, ...(heldOut ? catalog.corpora.filter((c) => c.heldOut).map((c) => c.domain) : [])];
  for (const name of [...new Set(names)]) {
    const c = catalog.corpora.find((x) => x.domain === name && x.split === 'validation');
    if (!c) continue;
    out.push({ name, heldOut: c.heldOut, tokens: tokenStream(tok, await s.deps.demo.documents(c.path), tokens) });
  }
  if (out.length === 0) throw new InvalidArgumentError('There is no validation text for the calibration domains; evaluation needs the built-in corpora.');
  return out;
}

export async function evaluate(s: StudioSession, p: { models: string[]; heldOut: boolean; tokensPerDomain?: number }, ctx: HandlerContext<ProgressEvent>): Promise<EvalRow[]> {
  const cal = s.requireCalibration();
  const ids = p.models.length ? p.models : [...s.models.keys()];
  const domains = await evalDomains(s, p.heldOut, p.tokensPerDomain ?? EVAL_TOKENS);
  const { backend, label: device } = await s.inference();
  const rows: EvalRow[] = [];
  for (const [i, id] of ids.entries()) {
    const m = s.requireModel(id);
    const map = m.sourceIndex !== undefined && m.sourceIndex !== s.anchor ? tokenMap(s.vocab!.fromUnion[m.sourceIndex]) : null;
    const doms = domains.map((d) => ({ name: d.name, tokens: map ? map(d.tokens) : d.tokens }));
    const [ev] = await evaluateModels([{ name: id, weights: m.weights }], doms, { windowLength: cal.seqLen }, {
      backend, signal: ctx.signal, progress: (e) => ctx.progress({ stage: 'evaluate', done: i, total: ids.length, message: `${e.message} (${device})` }),
    });
    rows.push({
      model: id, label: m.built.label,
      perplexity: ev.perplexity.map((d, k) => ({ domain: d.domain, heldOut: domains[k].heldOut, perplexity: d.perplexity, tokens: d.tokens })),
      routing: ev.routing,
    });
  }
  ctx.progress({ stage: 'evaluate', done: ids.length, total: ids.length });
  s.evaluations = rows;
  await saveEvaluation(s);
  return rows;
}

export async function routeText(s: StudioSession, p: { model: string; text: string }): Promise<TokenRouting> {
  const m = s.requireModel(p.model);
  if (!m.weights.config.moe) throw new InvalidArgumentError(`${m.built.label} is a dense model: it has no router. Pick a merged model.`);
  const tok = s.sources[s.anchor].tokenizer;
  const ids = Int32Array.from(tok.encode(p.text, { addSpecialTokens: false }));
  if (ids.length === 0) throw new InvalidArgumentError('Type some text to route.');
  const { backend } = await s.inference();
  const model = new Transformer(backend, m.weights);
  const L = m.weights.config.numLayers;
  const experts: number[][][] = Array.from({ length: L }, () => []);
  const weights: number[][][] = Array.from({ length: L }, () => []);
  const r = await model.hidden([ids], {
    taps: {
      routing: ({ layer, routing }) => {
        for (let t = 0; t < routing.tokens; t++) {
          experts[layer].push([...routing.experts.subarray(t * routing.topK, (t + 1) * routing.topK)]);
          weights[layer].push([...routing.weights.subarray(t * routing.topK, (t + 1) * routing.topK)]);
        }
      },
    },
  });
  backend.release(r.hidden);
  model.dispose();
  return { tokens: [...ids].map((id) => tok.decode([id])), experts, weights };
}

export async function generate(
  s: StudioSession, p: { model: string; prompt: string; maxNewTokens: number; greedy: boolean; temperature: number; seed: number; runtime?: PlaygroundRuntime },
  ctx: HandlerContext<{ text: string }>,
): Promise<{ text: string; device?: string }> {
  const m = s.requireModel(p.model);
  const tok = s.sources[m.sourceIndex ?? s.anchor].tokenizer;
  const ids = Int32Array.from(tok.encode(p.prompt, { addSpecialTokens: false }));
  if (ids.length === 0) throw new InvalidArgumentError('Type a prompt first.');
  const out: number[] = [];
  const o = {
    maxNewTokens: Math.min(256, Math.max(1, p.maxNewTokens)), greedy: p.greedy, temperature: p.temperature, seed: p.seed,
    onToken: (id: number) => {
      out.push(id);
      ctx.progress({ text: tok.decode(out) });
    },
  };
  if (p.runtime && p.runtime !== 'engine') {
    await ortGenerateIds(s, p.model, p.runtime === 'ort-webgpu' ? 'webgpu' : 'wasm', ids, o, ctx.signal);
    return { text: tok.decode(out) };
  }
  const { backend, label } = await s.inference();
  const model = new Transformer(backend, m.weights, { keepLayers: true });
  try {
    await generateTokens(model, ids, { ...o, signal: ctx.signal });
  } finally {
    model.dispose();
  }
  return { text: tok.decode(out), device: label };
}
