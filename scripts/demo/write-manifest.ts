// Writes public/demo/models/manifest.json: the Hub-style manifest the app's demo source reads
// (ids, revisions from file contents, file sizes: src/io/demo.ts), extended with each model's
// domain and origin (from its training.json) and the list of corpora. Run after the demo build:
//   npx tsx scripts/demo/write-manifest.ts
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDemoManifestEntry } from '../../src/io/demo';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO = join(ROOT, 'public', 'demo');
const MODELS = join(DEMO, 'models');
const CORPORA = join(DEMO, 'corpora');
const SERVED = ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md'];

interface Training { kind: 'base' | 'branched' | 'independent'; domain?: string; from?: string }

const ORDER = ['prose', 'code', 'math', 'speech'];

async function main(): Promise<void> {
  const dirs = readdirSync(MODELS).filter((d) => statSync(join(MODELS, d)).isDirectory());
  const models = [];
  for (const d of dirs) {
    const files = new Map<string, Uint8Array>();
    for (const f of SERVED) {
      try {
        files.set(f, new Uint8Array(readFileSync(join(MODELS, d, f))));
      } catch {
        /* optional file */
      }
    }
    const t = JSON.parse(readFileSync(join(MODELS, d, 'training.json'), 'utf8')) as Training;
    const domain = t.domain ?? 'mix';
    const description = t.kind === 'base'
      ? 'Base model pre-trained on the mix of the four training domains.'
      : t.kind === 'branched'
        ? `Branched from the base and fine-tuned on ${domain}: shares the base's neurons (permutation close to the identity).`
        : `Pre-trained from a different seed on ${domain} alone: its neurons are in an unrelated order.`;
    const entry = await makeDemoManifestEntry(`demo/${d}`, files, description);
    models.push({ ...entry, domain, origin: t.kind });
  }
  const rank = (m: { origin: string; domain: string }) => (m.origin === 'base' ? -1 : (m.origin === 'independent' ? 10 : 0) + ORDER.indexOf(m.domain));
  models.sort((a, b) => rank(a) - rank(b));
  const corpora = readdirSync(CORPORA).filter((f) => f.endsWith('.jsonl')).sort().map((f) => {
    const [domain, split] = f.replace(/\.jsonl$/, '').split('.');
    const documents = readFileSync(join(CORPORA, f), 'utf8').split('\n').filter((l) => l.trim()).length;
    return { domain, split, path: `corpora/${f}`, documents, heldOut: !ORDER.includes(domain) };
  });
  writeFileSync(join(MODELS, 'manifest.json'), `${JSON.stringify({ version: 1, models, corpora }, null, 1)}\n`);
  console.log(`wrote ${models.length} models and ${corpora.length} corpora to public/demo/models/manifest.json`);
}

await main();
