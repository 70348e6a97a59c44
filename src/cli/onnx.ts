/**
 * The ONNX file the CLI writes (`export-onnx`, `merge --onnx`): the studio's ONNX builder
 * (core/onnx/transformer-graph.ts: opset 17, input_ids int64 [1, T] -> logits f32 [1, T, V],
 * f32 weights) over any WeightProvider. A model is one protobuf message, which protobuf limits to
 * 2 GiB; when the f32 weights would not fit (or when asked) they go to an external data file
 * `FILE.data` beside it (ONNX external data: onnxruntime and the `onnx` package load it from
 * the same folder; onnxruntime-web takes it as `externalData`). The weights are written per layer
 * as the graph is built, so memory holds about one layer, not the model.
 */
import { open, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { needsExternalData } from '../core/onnx/external-data';
import { exportOnnx } from '../core/onnx/transformer-graph';
import type { WeightProvider } from '../model/weights';
import type { Reporter } from './output';

export interface OnnxFiles {
  file: string;
  /** Bytes of the .onnx file plus the data file. */
  bytes: number;
  /** The external data file, when there is one. */
  dataFile: string | null;
}

export async function writeOnnxFile(
  weights: WeightProvider, path: string, o: { maxPositions: number; signal?: AbortSignal; externalData?: boolean }, rep: Reporter,
): Promise<OnnxFiles> {
  const external = o.externalData ?? needsExternalData(weights.config);
  const progress = { maxPositions: o.maxPositions, signal: o.signal, onLayer: (l: number, n: number) => rep.progress('onnx', l + 1, n) };
  if (!external) {
    const bytes = await exportOnnx(weights, progress);
    await writeFile(path, bytes);
    return { file: path, bytes: bytes.length, dataFile: null };
  }
  const dataFile = `${path}.data`;
  const fh = await open(dataFile, 'w');
  let dataBytes = 0;
  try {
    const model = await exportOnnx(weights, {
      ...progress,
      external: {
        location: basename(dataFile),
        write: async (chunk) => {
          await fh.write(chunk);
          dataBytes += chunk.length;
        },
      },
    });
    await fh.close();
    await writeFile(path, model);
    return { file: path, bytes: model.length + dataBytes, dataFile };
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(dataFile, { force: true });
    throw e;
  }
}
