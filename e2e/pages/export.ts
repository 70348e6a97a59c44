// The browser export targets in Chromium: a tiny merged MoE exported into a directory handle
// (the origin-private file system, the same FileSystemDirectoryHandle API a picked folder has)
// and into a ZIP download (OPFS-backed), both re-imported (folder handle; archive read by range
// without unpacking) with the original logits, and byte-identical to the in-memory export.
// Results on window.__exportResults for e2e/export.spec.ts.
import { CpuBackend } from '../../src/core/cpu-backend';
import { exportHf, type HfExportOptions } from '../../src/core/export/hf-export';
import { memoryFolderSink } from '../../src/core/export/sink';
import { zipOpener } from '../../src/core/export/zip';
import { maxAbsDiff } from '../../src/core/testing/compare';
import { blobReader, directoryOpener, directorySink, zipDownloadSink } from '../../src/io/export/browser-sinks';
import { reimportExport } from '../../src/io/export/reimport';
import { CHECK_TOKENS, tinyMoeFrom, type FixtureLoader } from '../../src/merge/testing/tiny-moes-core';
import { parseModelConfig } from '../../src/model/config';
import { Transformer } from '../../src/model/transformer';
import { SafetensorsWeights, type WeightProvider } from '../../src/model/weights';

export interface ExportResult {
  target: string;
  files: number;
  identical: boolean;
  maxAbsDiff: number;
}

declare global {
  interface Window {
    __exportResults?: { rows: ExportResult[] } | { error: string };
  }
}

const out = document.getElementById('out') as HTMLPreElement;

const load: FixtureLoader = async (name) => {
  const base = `/src/model/fixtures/${name}/`;
  const rawConfig = (await (await fetch(`${base}config.json`)).json()) as Record<string, unknown>;
  const bytes = new Uint8Array(await (await fetch(`${base}model.safetensors`)).arrayBuffer());
  return { weights: await new SafetensorsWeights(parseModelConfig(rawConfig), [bytes]).toMemory(), rawConfig };
};

const logits = async (w: WeightProvider): Promise<Float32Array> => (await new Transformer(new CpuBackend(), w).logits(Int32Array.from(CHECK_TOKENS))).logits;

const same = (a: Uint8Array, b: Uint8Array | undefined): boolean => !!b && a.length === b.length && a.every((x, i) => x === b[i]);

async function main(): Promise<void> {
  const m = await tinyMoeFrom(load, 'qwen2_moe');
  const opts: HfExportOptions = { weights: m.weights, anchorConfig: m.anchorConfig, permutations: m.perms, maxShardBytes: 30_000 };
  const ref = memoryFolderSink();
  await exportHf(ref, opts);
  const want = await logits(m.weights);
  const rows: ExportResult[] = [];

  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle('export-check', { create: true });
  await exportHf(directorySink(dir), opts);
  let identical = true;
  for (const [name, bytes] of ref.files) {
    const f = await (await dir.getFileHandle(name)).getFile();
    identical &&= same(bytes, new Uint8Array(await f.arrayBuffer()));
  }
  const a = await reimportExport(directoryOpener(dir), parseModelConfig);
  rows.push({ target: 'directory handle', files: ref.files.size, identical, maxAbsDiff: maxAbsDiff(await logits(a.weights), want) });

  let zip: Blob | null = null;
  await exportHf(await zipDownloadSink('tiny-moe', (b) => void (zip = b)), opts);
  const reader = blobReader(zip!);
  const open = await zipOpener(reader);
  let zipSame = true;
  for (const [name, bytes] of ref.files) {
    const r = await open(name);
    zipSame &&= !!r && same(bytes, await r.read(0, r.size));
  }
  const b = await reimportExport(open, parseModelConfig);
  rows.push({ target: 'zip download', files: ref.files.size, identical: zipSame, maxAbsDiff: maxAbsDiff(await logits(b.weights), want) });
  await root.removeEntry('export-check', { recursive: true });
  out.textContent = JSON.stringify(rows, null, 1);
  window.__exportResults = { rows };
}

main().catch((e: unknown) => {
  window.__exportResults = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) };
  out.textContent = String(e);
});
