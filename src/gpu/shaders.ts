/**
 * WGSL sources. Every kernel's shader lives in shaders/<name>.wgsl; shared snippets live in
 * shaders/lib/ and are pulled in with a line `//!include "lib/<file>.wgsl"` (resolved once,
 * recursively, each snippet at most once). Vite inlines the files at build time, so the same
 * code works in the browser, in Vitest under Node and in the bundled CLI.
 */
import { StudioError } from '../core/errors';

const files: Record<string, string> = import.meta.glob<string>('../../shaders/**/*.wgsl', {
  query: '?raw',
  import: 'default',
  eager: true,
});

const byName = new Map<string, string>();
for (const [path, src] of Object.entries(files)) {
  byName.set(path.replace(/^.*\/shaders\//, '').replace(/\.wgsl$/, ''), src);
}

const INCLUDE = /^\s*\/\/!include\s+"([^"]+)\.wgsl"\s*$/gm;
const resolved = new Map<string, string>();

/** The WGSL of shaders/<name>.wgsl with its includes expanded. */
export function shaderSource(name: string): string {
  const hit = resolved.get(name);
  if (hit !== undefined) return hit;
  const seen = new Set<string>();
  const expand = (n: string): string => {
    const src = byName.get(n);
    if (src === undefined) {
      throw new StudioError(`WGSL file shaders/${n}.wgsl was not found; it must be committed with the kernel that uses it.`);
    }
    seen.add(n);
    return src.replace(INCLUDE, (_m, inc: string) => (seen.has(inc) ? '' : expand(inc)));
  };
  const out = expand(name);
  resolved.set(name, out);
  return out;
}

export function shaderNames(): string[] {
  return [...byName.keys()].sort();
}
