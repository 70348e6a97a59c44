#!/usr/bin/env node
// The `symphony` command: runs the bundled CLI (dist-cli/symphony.mjs), building it first with
// Vite when it is missing or older than any file under src/ or shaders/ (a few seconds), so a
// fresh checkout needs only `npm ci`. Build output goes to stderr; stdout stays the CLI's.
// SYMPHONY_CLI_REBUILD=1 forces a build. See docs/decisions/0002-cli-build.md.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundle = join(root, 'dist-cli', 'symphony.mjs');

function newest(dir) {
  let t = 0;
  let names = [];
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of names) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (!/\.test\.ts$/.test(e.name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function stale() {
  if (process.env.SYMPHONY_CLI_REBUILD === '1' || !existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  return ['src', 'shaders', join('scripts', 'hub-server')].some((d) => newest(join(root, d)) > built);
}

if (stale()) {
  process.stderr.write('symphony: building the CLI bundle (dist-cli/)...\n');
  const { build } = await import('vite');
  const log = console.log;
  console.log = (...a) => console.error(...a);
  try {
    await build({ configFile: join(root, 'src', 'cli', 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    console.log = log;
  }
}
await import(pathToFileURL(bundle).href);
