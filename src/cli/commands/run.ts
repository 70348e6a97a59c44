/**
 * `symphony run MODEL --ids 1,2,3`: the next-token logits after the given ids, as JSON (with the
 * ten most likely tokens); `--prompt TEXT --max-new-tokens N`: generated text (greedy by default,
 * or sampled with --temperature / --top-k / --top-p / --seed). Any dense or MoE checkpoint.
 */
import { InvalidArgumentError } from '../../core/errors';
import { generate } from '../../model/generate';
import { Transformer } from '../../model/transformer';
import { intList, optNumber, optString, UsageError } from '../args';
import type { Command } from '../command';
import { cacheBudget } from '../pipeline';
import { openSourceArg, weightsOf } from '../sources';

function topTokens(logits: Float32Array, k: number, name: (id: number) => string | undefined) {
  let mx = -Infinity;
  for (const v of logits) mx = Math.max(mx, v);
  let z = 0;
  for (const v of logits) z += Math.exp(v - mx);
  const idx = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b).slice(0, k);
  return idx.map((id) => ({ id, token: name(id) ?? null, logit: logits[id], prob: Math.exp(logits[id] - mx) / z }));
}

export const run: Command = {
  name: 'run',
  summary: 'next-token logits for token ids, or text generation',
  usage: `Usage: symphony run MODEL (--ids 1,2,3 | --prompt TEXT) [options]
  MODEL: a model folder (dense or MoE), demo/<name>, or a Hub model ID.
  --ids IDS              comma-separated token ids: prints the next-token logits as JSON
  --prompt TEXT          text to continue: prints the generated text
  --max-new-tokens N     tokens to generate (default 32)
  --temperature T        0 = greedy (default 0)
  --top-k K, --top-p P   sampling filters (default off)
  --seed S               sampling seed (default 0)
  --top N                with --ids: how many most likely tokens to list (default 10)
`,
  options: { ids: {}, prompt: {}, 'max-new-tokens': {}, temperature: {}, 'top-k': {}, 'top-p': {}, seed: {}, top: {} },
  async run(env) {
    const { args, rep, io } = env;
    if (args.positionals.length !== 1) throw new UsageError('run takes exactly one MODEL');
    const idsArg = optString(args, 'ids');
    const prompt = optString(args, 'prompt');
    if ((idsArg === undefined) === (prompt === undefined)) throw new UsageError('run needs exactly one of --ids or --prompt');
    const maxNew = optNumber(args, 'max-new-tokens', 32, { int: true, min: 1, max: 4096 });
    const temperature = optNumber(args, 'temperature', 0, { min: 0 });
    const topK = optNumber(args, 'top-k', 0, { int: true, min: 0 });
    const topP = optNumber(args, 'top-p', 1, { min: 1e-9, max: 1 });
    const seed = optNumber(args, 'seed', 0, { int: true });
    const top = optNumber(args, 'top', 10, { int: true, min: 0 });
    const givenIds = idsArg !== undefined ? intList(idsArg, 'ids') : null;
    const ckpt = await openSourceArg(args.positionals[0], env.sourceOptions());
    const tok = ckpt.tokenizer();
    const weights = weightsOf(ckpt, cacheBudget(1));
    const V = weights.config.vocabSize;
    const ctx = await env.stage();
    // Generation revisits every layer per token: keep them resident unless that is too much memory.
    const keepLayers = prompt !== undefined && ckpt.sizes.parameters * 4 <= 4 * 2 ** 30;
    const model = new Transformer(ctx.backend, weights, { keepLayers });
    try {
      if (givenIds) {
        const ids = givenIds;
        const bad = ids.find((i) => i >= V);
        if (bad !== undefined) throw new InvalidArgumentError(`token id ${bad} is outside the vocabulary of ${ckpt.source.id} (0..${V - 1}).`);
        const cache = model.newCache();
        const logits = await model.nextLogits(Int32Array.from(ids), cache);
        model.releaseCache(cache);
        const data = { model: ckpt.source.id, ids, vocabSize: V, top: topTokens(logits, top, (i) => tok.idToToken(i)), logits: [...logits] };
        rep.result('run', data, `${JSON.stringify(data)}\n`);
        return 0;
      }
      const ids = tok.encode(prompt!, { addSpecialTokens: false });
      if (ids.length === 0) throw new InvalidArgumentError('The prompt encodes to no tokens; give some text.');
      const eos = ckpt.config.eosTokenId;
      const out: number[] = [];
      let shown = '';
      const streaming = rep.mode !== 'json' && io.isTTY;
      const r = await generate(model, Int32Array.from(ids), {
        maxNewTokens: maxNew, greedy: temperature === 0, temperature, topK, topP, seed, signal: io.signal,
        stopTokens: eos === null ? [] : Array.isArray(eos) ? eos : [eos],
        onToken: (id, step) => {
          out.push(id);
          if (!streaming) rep.progress('generate', step + 1, maxNew);
          else {
            const text = tok.decode(out, { skipSpecialTokens: true });
            if (text.startsWith(shown)) io.stdout(text.slice(shown.length));
            shown = text;
          }
        },
      });
      const text = tok.decode(r.tokens, { skipSpecialTokens: true });
      const data = { model: ckpt.source.id, prompt, promptIds: ids, tokens: r.tokens, text, stopped: r.stopped };
      rep.result('run', data, streaming ? `${text.slice(shown.length)}\n` : `${text}\n`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
