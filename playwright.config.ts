// Playwright drives Debian's Chromium (CHROMIUM_PATH, set by scripts/test.mjs) against the Vite
// dev server. Two projects: with WebGPU (SwiftShader) and without (the explanation page).
import { defineConfig } from '@playwright/test';
// @ts-expect-error: plain JS module shared with the test runner
import { BASE_FLAGS, WEBGPU_FLAGS, findChromium } from './scripts/chromium.mjs';

const port = Number(process.env.E2E_PORT ?? 5199);
const executablePath = (findChromium as () => string | null)() ?? undefined;
const base = BASE_FLAGS as string[];
const webgpu = WEBGPU_FLAGS as string[];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 720 },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  webServer: {
    // --bypass-lock: a developer's own `npm start` must not stop the test server from starting.
    command: `npx vite --port ${port} --strictPort --host 127.0.0.1 --bypass-lock`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
  },
  projects: [
    {
      name: 'webgpu',
      testIgnore: /no-webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath, args: [...base, ...webgpu] } },
    },
    {
      name: 'no-webgpu',
      testMatch: /no-webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath, args: base } },
    },
  ],
});
