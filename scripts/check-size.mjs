// File-size budget (DESIGN.md habits): source files over 400 lines want a split.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
export const BUDGET = 400;
const DIRS = ['src', 'shaders', 'scripts', 'e2e', 'bench'];
const EXT = /\.(ts|tsx|mjs|js|wgsl|py|css)$/;
const SKIP = /(^|\/)(node_modules|fixtures|dist)(\/|$)/;

function walk(dir, out = []) {
  let names = [];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    const p = join(dir, name);
    if (SKIP.test(relative(ROOT, p))) continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (EXT.test(name)) out.push(p);
  }
  return out;
}

export function checkSize() {
  const over = [];
  for (const d of DIRS) {
    for (const f of walk(join(ROOT, d))) {
      const lines = readFileSync(f, 'utf8').split('\n').length;
      if (lines > BUDGET) over.push(`${relative(ROOT, f)}: ${lines} lines (budget ${BUDGET})`);
    }
  }
  return over;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const over = checkSize();
  for (const o of over) console.error(`over budget: ${o}`);
  console.log(over.length ? `size check: ${over.length} file(s) over budget` : 'size check: ok');
  process.exit(over.length ? 1 : 0);
}
