// Layer-import check (DESIGN.md "Layers"): fails when a module imports a layer it may not.
// Type-only imports (`import type`) are allowed from any lower layer, since they vanish at build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');

/** Which layers each layer may import values from. */
export const ALLOWED = {
  core: ['core'],
  gpu: ['core', 'gpu'],
  model: ['core', 'gpu', 'model'],
  io: ['core', 'io'],
  merge: ['core', 'gpu', 'model', 'io', 'merge'],
  workers: ['core', 'gpu', 'model', 'io', 'merge', 'workers'],
  state: ['core', 'state'],
  ui: ['core', 'state', 'workers', 'ui', 'gpu/capabilities', 'gpu/errors'],
  cli: ['core', 'gpu', 'model', 'io', 'merge', 'cli'],
};
/** npm packages or Node built-ins a layer must not import. */
const FORBIDDEN_PACKAGES = {
  core: [/^react/, /^webgpu$/, /^node:/, /^onnxruntime/, /^@huggingface\/hub/, /^zustand/],
  gpu: [/^react/, /^zustand/],
  model: [/^react/, /^zustand/, /^node:/],
  merge: [/^react/, /^zustand/],
  state: [/^react-dom/, /^webgpu$/, /^node:/],
  ui: [/^webgpu$/, /^node:/],
};
/** Files allowed to use Node-only packages inside otherwise browser layers. */
const NODE_ONLY = [/^src\/gpu\/node\.ts$/, /\.test\.ts$/, /\/testing\//];

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

export function checkLayers() {
  const problems = [];
  for (const file of walk(SRC)) {
    const rel = relative(ROOT, file).replaceAll('\\', '/');
    const parts = rel.split('/');
    if (parts.length < 3) continue; // src/main.tsx: the entry may import anything
    const layer = parts[1];
    const allowed = ALLOWED[layer];
    if (!allowed) {
      problems.push(`${rel}: folder src/${layer} is not a layer of DESIGN.md (${Object.keys(ALLOWED).join(', ')})`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const typeOnly = Boolean(m[2]);
      const spec = m[3] ?? m[4] ?? m[5];
      if (spec.startsWith('.')) {
        const target = relative(SRC, resolve(dirname(file), spec)).replaceAll('\\', '/');
        if (target.startsWith('..')) continue; // shaders/, public/: not layers
        const tLayer = target.split('/')[0];
        if (typeOnly && tLayer !== 'ui') continue;
        const ok = allowed.some((a) => tLayer === a || target === a || target.startsWith(`${a}/`) || target.startsWith(`${a}.`));
        if (!ok) problems.push(`${rel}: imports ${spec} (layer ${tLayer}); ${layer} may import ${allowed.join(', ')}`);
      } else if (!NODE_ONLY.some((r) => r.test(rel))) {
        for (const bad of FORBIDDEN_PACKAGES[layer] ?? []) {
          if (bad.test(spec) && !typeOnly) problems.push(`${rel}: imports package ${spec}, which layer ${layer} may not use`);
        }
      }
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkLayers();
  for (const p of problems) console.error(`layer violation: ${p}`);
  console.log(problems.length ? `layer check: ${problems.length} violation(s)` : 'layer check: ok');
  process.exit(problems.length ? 1 : 0);
}
