/**
 * The Chromium half: serves the repository with the Vite dev server (COOP/COEP headers so that
 * onnxruntime-web's wasm threads work, node_modules allowed even when it is a symlink), opens
 * bench/pages/matmul.html in headless Chromium with WebGPU, and collects the page's rows.
 * Chromium: CHROMIUM_PATH, else the Debian default /usr/bin/chromium. No network is used.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import type { PageResult } from '../pages/matmul';
import type { RunOptions } from './registry';

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Keep the page at full speed while nothing is shown.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
];

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createNetServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

async function startServer(): Promise<{ server: ViteDevServer; url: string }> {
  const root = process.cwd();
  const port = await freePort();
  const server = await createServer({
    configFile: resolve(root, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port,
      strictPort: true,
      hmr: false,
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
      // node_modules may be a symlink to a shared checkout; its real path must be servable.
      fs: { allow: [root, realpathSync(resolve(root, 'node_modules'))] },
    },
  });
  await server.listen();
  return { server, url: `http://127.0.0.1:${port}` };
}

export async function runChromiumSuite(opts: RunOptions = {}): Promise<PageResult> {
  const { server, url } = await startServer();
  const userDataDir = mkdtempSync(join(tmpdir(), 'symphony-bench-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') console.error(`[page console] ${m.text()}`);
      });
      await page.goto(`${url}/bench/pages/matmul.html`);
      await page.waitForFunction(() => typeof window.runBench === 'function', undefined, {
        timeout: 60_000,
      });
      const result = await page.evaluate((f) => window.runBench!(f), opts.filter);
      for (const r of result.rows) opts.onRow?.(r);
      return result;
    } finally {
      await context.close();
    }
  } finally {
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
