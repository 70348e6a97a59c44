/**
 * Node-only test helper: the built-in demo served from public/demo on disk through a fetch
 * function (the same HTTP code path as the browser, without a server).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpDemoAssets, type DemoAssets } from '../session/assets';

export const DEMO_DIR = fileURLToPath(new URL('../../../public/demo/', import.meta.url));
export const DEMO_BASE = 'http://demo.invalid/demo';

export const demoFileFetch: typeof fetch = (input) => {
  const u = new URL(input instanceof Request ? input.url : String(input));
  const rel = decodeURIComponent(u.pathname).replace(/^\/demo\//, '');
  try {
    return Promise.resolve(new Response(readFileSync(join(DEMO_DIR, rel)), { status: 200 }));
  } catch {
    return Promise.resolve(new Response('not found', { status: 404 }));
  }
};

export function nodeDemoAssets(): DemoAssets {
  return httpDemoAssets(DEMO_BASE, demoFileFetch);
}
