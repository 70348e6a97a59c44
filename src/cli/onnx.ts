/**
 * The ONNX file the CLI writes (`export-onnx`, `merge --onnx`): the studio's ONNX builder
 * (core/onnx/transformer-graph.ts: opset 17, input_ids int64 [1, T] -> logits f32 [1, T, V],
 * f32 weights) over any WeightProvider, written to one file. The model is one protobuf message,
 * so its weights must stay under protobuf's 2 GiB limit (ONNX external data is not written):
 * larger models are refused up front with the size, before any tensor is read.
 */
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../core/errors';
import { exportedModelConfig, hfTensorPlan } from '../core/export/hf-tensors';
import { exportOnnx } from '../core/onnx/transformer-graph';
import type { ModelConfig } from '../model/config';
import type { WeightProvider } from '../model/weights';
import { fmtBytes, type Reporter } from './output';

/** Room left under 2 GiB for the graph and the RoPE tables. */
export const ONNX_MAX_WEIGHT_BYTES = 2 ** 31 - 64 * 2 ** 20;

/** Throw unless a model of this config fits one ONNX file (call it before any long work). */
export function checkOnnxSize(cfg: ModelConfig): void {
  const { config } = exportedModelConfig(cfg);
  const f32 = hfTensorPlan(config).reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1) * 4, 0);
  if (f32 > ONNX_MAX_WEIGHT_BYTES) {
    throw new InvalidArgumentError(`This model's f32 weights take ${fmtBytes(f32)}, more than one ONNX file can hold (2 GiB, protobuf's limit); use the Hugging Face safetensors export instead.`);
  }
}

export async function writeOnnxFile(weights: WeightProvider, path: string, o: { maxPositions: number; signal?: AbortSignal }, rep: Reporter): Promise<{ file: string; bytes: number }> {
  checkOnnxSize(weights.config);
  const bytes = await exportOnnx(weights, {
    maxPositions: o.maxPositions, signal: o.signal,
    onLayer: (l, n) => rep.progress('onnx', l + 1, n),
  });
  await writeFile(path, bytes);
  return { file: path, bytes: bytes.length };
}
