// The built-in demo family on a sample of its validation text (CPU engine): each expert has the
// lowest perplexity on its own domain among the experts (docs/demo.md has the full table).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../core/cpu-backend';
import { tokenStream } from '../../merge/calibrate';
import { CheckpointWeights } from '../../merge/checkpoint-weights';
import { perplexity } from '../../model/eval';
import { Transformer } from '../../model/transformer';
import { nodeDemoAssets } from '../testing/demo-files';

describe('demo family', () => {
  it('every branched expert is best on its own domain', { timeout: 240_000 }, async () => {
    const demo = nodeDemoAssets();
    const cat = await demo.catalog();
    const experts = cat.models.filter((m) => m.origin === 'branched');
    const domains = experts.map((m) => m.domain);
    const be = new CpuBackend();
    const ckpts = await Promise.all(experts.map((m) => demo.open(m.id, {})));
    const tok = ckpts[0].tokenizer();
    const texts = await Promise.all(domains.map(async (d) => {
      const c = cat.corpora.find((x) => x.domain === d && x.split === 'validation')!;
      return { name: d, tokens: tokenStream(tok, await demo.documents(c.path), 512) };
    }));
    const table: number[][] = [];
    for (const ck of ckpts) {
      const res = await perplexity(new Transformer(be, new CheckpointWeights(ck)), texts, { windowLength: 128 });
      table.push(res.map((r) => r.perplexity));
    }
    console.log(domains.map((d, j) => `${d}: ${table.map((row) => row[j].toFixed(1)).join(' / ')}`).join('\n'));
    domains.forEach((_, j) => {
      const best = table.map((row) => row[j]).indexOf(Math.min(...table.map((row) => row[j])));
      expect(experts[best].domain).toBe(domains[j]);
    });
  });
});
