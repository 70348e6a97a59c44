// The studio's demo flow end to end in headless Chromium with WebGPU (SwiftShader): load the demo
// family, calibrate, align, CKA, merge with baselines, train a few router steps, reload
// mid-training and restore the session from the engine's stage cache (training resumes from the
// checkpointed step, nothing before it is recomputed), evaluate, generate with onnxruntime-web,
// export; assertions on what is rendered, a screenshot of every panel, and no console errors.
// The network is cut: every request that does not go to the local dev server is aborted and
// recorded, and none may happen (the demo runs offline). Budgets are tiny so that the software
// adapter finishes in a few minutes.
import { expect, test, type Page } from '@playwright/test';

test.describe.configure({ mode: 'serial' });

/** Router steps of the run that is reloaded mid-way (enough that the reload lands before the end). */
const STEPS = 40;

async function openStage(page: Page, id: string): Promise<void> {
  await page.getByTestId(`stage-${id}`).click();
  await expect(page.getByTestId(`panel-${id}`)).toBeVisible();
}

async function done(page: Page, id: string, timeout = 240_000): Promise<void> {
  await expect(page.getByTestId(`stage-status-${id}`)).toHaveAttribute('data-status', 'done', { timeout });
}

test('the demo flow runs end to end', async ({ page }, info) => {
  test.setTimeout(900_000);
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const shot = (name: string) => page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
  const external: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
    external.push(url.href);
    return route.abort('internetdisconnected');
  });

  // The native folder dialog cannot be driven headless: showDirectoryPicker answers with a folder
  // of the origin-private file system (the same FileSystemDirectoryHandle API a picked folder
  // has); everything after the dialog is the studio's real path.
  await page.addInitScript(() => {
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('picked-folder', { create: true });
  });
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });

  await page.getByTestId('load-demo').click();
  await expect(page.getByTestId('source-card')).toHaveCount(4, { timeout: 60_000 });
  await expect(page.getByTestId('mergeable')).toBeVisible({ timeout: 60_000 });
  await done(page, 'sources');
  await shot('1-sources');

  await openStage(page, 'calibration');
  await page.getByLabel('tokens per domain').fill('128');
  await page.getByLabel('sequence length (tokens)').fill('32');
  await page.getByTestId('run-calibration').click();
  await expect(page.getByTestId('calibration-summary')).toBeVisible({ timeout: 60_000 });
  await done(page, 'calibration');
  await shot('2-calibration');

  await openStage(page, 'alignment');
  await page.getByTestId('run-alignment').click();
  await done(page, 'alignment');
  await expect(page.getByTestId('chart-fixed-points')).toBeVisible();
  await expect(page.getByTestId('fp-value')).toContainText('e-');
  await shot('3-alignment');

  await openStage(page, 'cka');
  await page.getByTestId('run-cka').click();
  await done(page, 'cka');
  const cells = page.getByTestId('cka-cell');
  expect(await cells.count()).toBeGreaterThanOrEqual(16);
  const values = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  expect(values.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
  await shot('4-cka');

  await openStage(page, 'merge');
  for (const b of ['symphony-shared', 'btx', 'drop-upcycling', 'naive-upcycling']) {
    const box = page.getByTestId(`baseline-${b}`);
    if (b === 'btx' || b === 'naive-upcycling') await box.check();
    else await box.uncheck();
  }
  await page.getByTestId('run-merge').click();
  await done(page, 'merge');
  await expect(page.getByTestId('built-row')).toHaveCount(3 + 4);
  await shot('5-merge');

  await openStage(page, 'train');
  await page.getByTestId('train-model').selectOption('symphony');
  await page.getByLabel('steps', { exact: true }).fill(String(STEPS));
  await page.getByLabel('tokens per batch').fill('64');
  await page.getByLabel('sequence length', { exact: true }).fill('32');
  await page.getByLabel('checkpoint every (steps)').fill('2');
  await page.getByTestId('train-start').click();
  await expect.poll(() => page.getByTestId('loss-point').count(), { timeout: 300_000 }).toBeGreaterThanOrEqual(3);
  await shot('6-train-running');

  // Reload mid-training: the engine restarts empty; the trainer state was checkpointed every 2
  // steps (step 2 was written before step 3 began), so the run comes back at an even step >= 2.
  expect(await page.getByTestId('loss-point').count()).toBeLessThan(STEPS);
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('panel-train')).toBeVisible();
  await expect(page.getByTestId('restored-note')).toBeVisible();
  await page.getByTestId('restore-session').click();
  const status = page.getByTestId('restore-status');
  await expect(status).toContainText('Restored from cache: Calibration, Alignment, CKA, Merge, Train', { timeout: 120_000 });
  await expect(status).not.toContainText('To run again');
  for (const id of ['calibration', 'alignment', 'cka', 'merge']) {
    await expect(page.getByTestId(`stage-status-${id}`)).toHaveAttribute('data-status', 'done');
  }
  await expect(page.getByTestId('train-state')).toContainText(/paused at step \d+/);
  const restoredStep = Number((await page.getByTestId('train-state').textContent())?.match(/step (\d+)/)?.[1]);
  expect(restoredStep % 2).toBe(0);
  expect(restoredStep).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('loss-point')).toHaveCount(restoredStep);
  await shot('6-train-restored');
  const steps: number[] = [];
  const before = await page.getByTestId('loss-point').count();
  await page.getByTestId('train-resume').click();
  await done(page, 'train', 300_000);
  await expect(page.getByTestId('loss-point')).toHaveCount(STEPS);
  for (const el of await page.getByTestId('loss-point').all()) steps.push(Number(await el.getAttribute('data-step')));
  // The step counter continued from the checkpoint: one point per step, none repeated or lost.
  expect(before).toBe(restoredStep);
  expect(steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  await expect(page.getByTestId('train-state')).toContainText(`finished ${STEPS} steps`);
  await shot('6-train');

  // Evaluate and export on the restored engine: alignment is not run again (it stays done).
  await openStage(page, 'evaluate');
  await page.getByTestId('run-evaluate').click();
  await done(page, 'evaluate', 400_000);
  const rows = page.getByTestId('ppl-row');
  await expect(rows).toHaveCount(3 + 4);
  await expect(page.getByTestId('stage-status-alignment')).toHaveAttribute('data-status', 'done');
  await shot('7-evaluate');

  // The playground on onnxruntime-web (wasm), then on our engine.
  const playground = page.getByTestId('playground');
  await playground.getByRole('combobox', { name: 'model' }).selectOption('symphony');
  await page.getByTestId('gen-runtime').selectOption('ort-wasm');
  await playground.getByLabel('new tokens').fill('6');
  await page.getByTestId('run-generate').click();
  await expect(page.getByTestId('gen-runtime-used')).toContainText('onnxruntime-web (wasm)', { timeout: 180_000 });
  const ortText = await page.getByTestId('gen-output').textContent();
  expect(ortText?.length).toBeGreaterThan('Once upon a time'.length);
  await playground.screenshot({ path: info.outputPath('7-playground-onnxruntime.png') });
  await page.getByTestId('gen-runtime').selectOption('engine');
  await page.getByTestId('run-generate').click();
  await expect(page.getByTestId('gen-runtime-used')).toContainText('our engine', { timeout: 120_000 });
  // On this software adapter our engine generates on its WebAssembly SIMD CPU backend, and says so.
  await expect(page.getByTestId('gen-runtime-used')).toContainText('our engine on CPU, WebAssembly SIMD');
  await page.getByTestId('playground').screenshot({ path: info.outputPath('7-playground-engine.png') });
  console.log(`greedy playground: onnxruntime-web ${JSON.stringify(ortText)}, our engine ${JSON.stringify(await page.getByTestId('gen-output').textContent())}`);

  await openStage(page, 'export');
  await page.getByTestId('export-model').selectOption('symphony');
  await page.getByTestId('save-to-zip').check();
  const download = page.waitForEvent('download', { timeout: 120_000 }).catch(() => null);
  await page.getByTestId('run-export').click();
  await done(page, 'export', 120_000);
  await expect(page.getByTestId('last-export')).toContainText('.zip');
  await download;
  // Into a picked folder: the engine worker streams the files into <folder>/symphony-symphony.
  await page.getByTestId('save-to-folder').check();
  await page.getByTestId('run-export').click();
  await expect(page.getByTestId('last-export')).toContainText('files written to picked-folder/symphony-symphony', { timeout: 120_000 });
  const written = await page.evaluate(async () => {
    const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('picked-folder')).getDirectoryHandle('symphony-symphony');
    const names: string[] = [];
    for await (const [name] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) names.push(name);
    const config = JSON.parse(await (await (await dir.getFileHandle('config.json')).getFile()).text()) as { architectures: string[] };
    return { names: names.sort(), architectures: config.architectures };
  });
  expect(written.names).toEqual(expect.arrayContaining(['config.json', 'recipe.json', 'README.md']));
  expect(written.names.some((n) => n.endsWith('.safetensors'))).toBe(true);
  expect(written.architectures[0]).toMatch(/^(Qwen2Moe|Mixtral)ForCausalLM$/);
  console.log(`exported into the picked folder: ${written.names.join(', ')}`);
  await shot('8-export');

  // A reload after the whole flow keeps the finished stages and their results, and restores them.
  await page.reload();
  await expect(page.getByTestId('gpu-report')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  for (const id of ['sources', 'calibration', 'alignment', 'cka', 'merge', 'train', 'evaluate']) {
    await expect(page.getByTestId(`stage-status-${id}`)).toHaveAttribute('data-status', 'done');
  }
  await openStage(page, 'evaluate');
  await expect(page.getByTestId('ppl-row')).toHaveCount(3 + 4);
  await openStage(page, 'cka');
  expect(await page.getByTestId('cka-cell').count()).toBeGreaterThanOrEqual(16);
  await page.getByTestId('restore-session').click();
  await expect(page.getByTestId('restore-status')).toContainText('Restored from cache: Calibration, Alignment, CKA, Merge, Train, Evaluate', { timeout: 120_000 });
  await shot('9-after-reload');

  // Cancel in Train offers discarding the run or keeping the steps done.
  await openStage(page, 'train');
  await page.getByTestId('train-model').selectOption('btx');
  await page.getByLabel('steps', { exact: true }).fill('400');
  await page.getByTestId('train-start').click();
  await expect.poll(() => page.getByTestId('loss-point').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
  await page.getByTestId('train-cancel').click();
  await shot('9-train-cancel-choice');
  await page.getByTestId('train-discard').click();
  await expect(page.getByTestId('train-start')).toBeVisible();
  await expect(page.getByTestId('loss-point')).toHaveCount(0);
  await expect(page.getByTestId('train-resume')).toHaveCount(0);
  await expect(page.getByTestId('stage-status-train')).toHaveAttribute('data-status', 'idle');
  await page.getByTestId('train-start').click();
  await expect.poll(() => page.getByTestId('loss-point').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('train-cancel').click();
  await page.getByTestId('train-keep').click();
  await expect(page.getByTestId('train-state')).toContainText(/finished \d+ steps/, { timeout: 60_000 });
  await done(page, 'train');
  expect(await page.getByTestId('loss-point').count()).toBeGreaterThanOrEqual(2);

  // The playground on onnxruntime-web's WebGPU provider.
  await openStage(page, 'evaluate');
  await page.getByTestId('gen-runtime').selectOption('ort-webgpu');
  await page.getByTestId('run-generate').click();
  await expect(page.getByTestId('gen-runtime-used')).toContainText('onnxruntime-web (WebGPU)', { timeout: 180_000 });
  await page.getByTestId('playground').screenshot({ path: info.outputPath('9-playground-onnxruntime-webgpu.png') });
  await openStage(page, 'sources');
  await expect(page.getByTestId('stage-cache-info')).not.toContainText('(0 entries');
  await page.getByTestId('clear-stage-cache').click();
  await expect(page.getByTestId('stage-cache-info')).toContainText('(0 entries');
  await shot('10-sources-caches');

  expect(errors).toEqual([]);
  expect(external).toEqual([]);
});
