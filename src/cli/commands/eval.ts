/**
 * `symphony eval MODEL --text DOMAIN=FILE ...`: per-domain perplexity (src/model/eval.ts: windows
 * of --window tokens, every token after a window's first scored once) of any dense or MoE
 * checkpoint, and for MoE models the share of each domain's routing slots per expert and layer.
 */
import { tokenStream } from '../../merge/calibrate';
import { evaluateModels } from '../../merge/evaluate';
import { domainFiles, optNumber, UsageError } from '../args';
import type { Command } from '../command';
import { cacheBudget } from '../pipeline';
import { openSourceArg, weightsOf } from '../sources';
import { readDocuments } from '../text';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'per-domain perplexity of a model',
  usage: `Usage: symphony eval MODEL --text DOMAIN=FILE [--text ...] [options]
  MODEL: a model folder (dense or MoE, e.g. a merge's output), demo/<name>, or a Hub model ID.
  --text DOMAIN=FILE   evaluation text per domain (.txt: documents split at blank lines; .jsonl: "text" fields)
  --tokens N           tokens per domain, from the start of the text (default 4096)
  --window N           window length in tokens (default 128)
  --max-windows N      evaluate at most N windows per domain
`,
  options: { text: { repeat: true }, tokens: {}, window: {}, 'max-windows': {} },
  async run(env) {
    const { args, rep, io } = env;
    if (args.positionals.length !== 1) throw new UsageError('eval takes exactly one MODEL');
    const texts = domainFiles(args, 'text');
    if (texts.length === 0) throw new UsageError('eval needs evaluation text: --text DOMAIN=FILE');
    const tokens = optNumber(args, 'tokens', 4096, { int: true, min: 2 });
    const windowLength = optNumber(args, 'window', 128, { int: true, min: 2 });
    const maxWindows = optNumber(args, 'max-windows', Infinity, { int: true, min: 1 });
    const ckpt = await openSourceArg(args.positionals[0], env.sourceOptions());
    const tok = ckpt.tokenizer();
    const domains = [];
    for (const t of texts) domains.push({ name: t.name, tokens: tokenStream(tok, await readDocuments(t.file, io.cwd), tokens) });
    const ctx = await env.stage();
    const t0 = performance.now();
    const [ev] = await evaluateModels([{ name: ckpt.source.id, weights: weightsOf(ckpt, cacheBudget(1)) }], domains, { windowLength, maxWindows: Number.isFinite(maxWindows) ? maxWindows : undefined }, ctx);
    const data = { model: ckpt.source.id, revision: ckpt.source.revision, windowLength, seconds: (performance.now() - t0) / 1000, perplexity: ev.perplexity, routing: ev.routing };
    const lines = [`${ckpt.source.id}: perplexity (windows of ${windowLength} tokens)`];
    for (const d of ev.perplexity) lines.push(`  ${d.domain.padEnd(16)} ${d.perplexity.toFixed(3).padStart(12)}   (${d.tokens} tokens, mean NLL ${d.meanNll.toFixed(4)} nats)`);
    if (ev.routing) {
      const E = ev.routing[0][0].length;
      lines.push(`  routing (share of slots per expert, mean over layers):`);
      ev.perplexity.forEach((d, di) => {
        const share = Array.from({ length: E }, (_, e) => ev.routing!.reduce((a, layer) => a + layer[di][e], 0) / ev.routing!.length);
        lines.push(`  ${d.domain.padEnd(16)} ${share.map((v) => v.toFixed(2)).join('  ')}`);
      });
    }
    rep.result('eval', data, `${lines.join('\n')}\n`);
    return 0;
  },
};
