// Checkpoint sources from a Hub-compatible server in Chromium (issue "Checkpoint sources"): three
// fixture models typed as IDs or dropped as huggingface.co links load through @huggingface/hub
// with a custom endpoint; the mergeability diff renders; a second load transfers no tensor
// bytes (Cache API); a connection cut mid-download is retried and the load recovers.
import { expect, test, type Page } from '@playwright/test';
import type { HubServer } from '../scripts/hub-server/server';
import { startFixtureHub } from '../scripts/hub-server/fixture-hub';

test.describe.configure({ mode: 'serial' });

let hub: HubServer;
let stop: (() => Promise<void>) | undefined;

test.beforeAll(async () => {
  ({ hub, stop } = await startFixtureHub('symphony-hub-', { port: 0, host: '127.0.0.1' }));
});

test.afterAll(async () => {
  await stop?.();
});

const tensorBytes = (h: HubServer) =>
  h.log().filter((e) => e.method === 'GET' && e.path.endsWith('.safetensors') && e.range && !e.range.startsWith('bytes=0-7')).reduce((a, e) => a + e.bytesSent, 0);

async function addSources(page: Page): Promise<void> {
  await page.getByLabel('Hub endpoint').fill(hub.url);
  const input = page.getByTestId('ref-input');
  await input.fill('fixtures/qwen-base');
  await input.press('Enter');
  await input.fill('fixtures/qwen-code');
  await input.press('Enter');
  // A link dragged from a Hub tab.
  await page.getByTestId('sources-drop').evaluate((el) => {
    const dt = new DataTransfer();
    dt.setData('text/uri-list', 'https://huggingface.co/fixtures/qwen-math/tree/main');
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('source-card')).toHaveCount(3);
}

test('three models load from the local Hub, the diff renders, a reload transfers no tensor bytes', async ({ page }, info) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await page.evaluate(async () => {
    localStorage.clear();
    for (const k of await caches.keys()) await caches.delete(k);
  });
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await addSources(page);
  await page.getByTestId('run-sources').click();
  await expect(page.getByTestId('stage-status-sources')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('diff-table')).toContainText('rope_theta');
  const first = tensorBytes(hub);
  expect(first).toBeGreaterThan(0);
  await page.screenshot({ path: info.outputPath('hub-sources.png'), fullPage: true });

  hub.clearLog();
  await page.getByTestId('run-sources').click();
  await expect(page.getByTestId('stage-status-sources')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  expect(tensorBytes(hub)).toBe(0);
});

test('a connection cut mid-download is retried and the load completes', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await page.evaluate(async () => {
    localStorage.clear();
    for (const k of await caches.keys()) await caches.delete(k);
  });
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  hub.faults.add({ kind: 'truncate', path: 'qwen-code/resolve', onlyRanged: true, truncateAfter: 100, times: 1 });
  hub.clearLog();
  await addSources(page);
  await page.getByTestId('run-sources').click();
  await expect(page.getByTestId('stage-status-sources')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  expect(hub.log().some((e) => e.fault !== null)).toBe(true);
  await expect(page.getByTestId('source-card')).toHaveCount(3);
});
