// Checks that @huggingface/tokenizers (JS) encodes and decodes exactly like Python `tokenizers`
// with the demo tokenizer. Input: a JSON file written by check_tokenizer.py:
//   { "tokenizer": "<path to tokenizer.json>", "samples": [{ "domain", "text", "ids" }] }
// Exits 1 on any mismatch. Usage: node scripts/demo/check_tokenizer.mjs SAMPLES_JSON
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tokenizerJson = JSON.parse(readFileSync(spec.tokenizer, 'utf8'));
// Python `tokenizers` never applies transformers' clean_up_tokenization_spaces; the models'
// tokenizer_config.json sets it false as well.
const tokenizerConfig = { clean_up_tokenization_spaces: false };
const tok = new Tokenizer(tokenizerJson, tokenizerConfig);

let bad = 0;
const perDomain = {};
for (const s of spec.samples) {
  const ids = tok.encode(s.text, { add_special_tokens: false }).ids;
  const same = ids.length === s.ids.length && ids.every((v, i) => v === s.ids[i]);
  const dec = s.ids.length ? tok.decode(s.ids, { skip_special_tokens: false }) : '';
  const d = (perDomain[s.domain] ??= { samples: 0, tokens: 0, mismatches: 0, decodeMismatches: 0 });
  d.samples += 1;
  d.tokens += s.ids.length;
  if (!same) {
    d.mismatches += 1;
    bad += 1;
    const at = ids.findIndex((v, i) => v !== s.ids[i]);
    console.error(`ids differ (${s.domain}) at ${at}: js ${ids.slice(at, at + 5)} py ${s.ids.slice(at, at + 5)}`);
  }
  if (dec !== s.decoded) {
    d.decodeMismatches += 1;
    bad += 1;
    console.error(`decode differs (${s.domain}): ${JSON.stringify(dec.slice(0, 80))}`);
  }
}
console.log(JSON.stringify(perDomain));
console.log(bad === 0 ? `tokenizer check: JS and Python agree on ${spec.samples.length} samples` : `tokenizer check: ${bad} mismatches`);
process.exit(bad === 0 ? 0 : 1);
