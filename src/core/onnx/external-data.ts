/**
 * ONNX external data: tensors of at least `minBytes` are laid out one after another (64-byte
 * aligned) in a side file named `location` (relative to the .onnx file), and the graph's
 * initializer only records where. `place` is called while the graph is built and only queues the
 * bytes; the exporter hands the queue to its writer after each layer (`take`), so the weights
 * are not all held at once and the .onnx itself stays small however large the model.
 */
import type { ModelConfig } from '../../model/config';
import { exportedModelConfig, hfTensorPlan, planElements } from '../export/hf-tensors';
import type { ExternalRef } from './proto';

const ALIGN = 64;

export class ExternalData {
  private queue: Uint8Array[] = [];
  private offset = 0;

  constructor(
    readonly location: string,
    readonly minBytes = 1024,
  ) {}

  /** Total bytes of the data file so far. */
  get bytes(): number {
    return this.offset;
  }

  /** Queue the tensor's bytes; null when it is small enough to stay inside the model. */
  place(data: Float32Array): ExternalRef | null {
    if (data.byteLength < this.minBytes) return null;
    const pad = (ALIGN - (this.offset % ALIGN)) % ALIGN;
    if (pad) this.queue.push(new Uint8Array(pad));
    this.offset += pad;
    const ref = { location: this.location, offset: this.offset, length: data.byteLength };
    this.queue.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.offset += data.byteLength;
    return ref;
  }

  /** The queued chunks in file order (the queue is emptied). */
  take(): Uint8Array[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }
}

/** Room left under 2 GiB (one protobuf message) for the graph and the RoPE tables. */
export const ONNX_MAX_WEIGHT_BYTES = 2 ** 31 - 64 * 2 ** 20;

/** Bytes of the model's weights in f32 (what the ONNX export writes). */
export function onnxWeightBytes(cfg: ModelConfig): number {
  const { config } = exportedModelConfig(cfg);
  return planElements(hfTensorPlan(config)) * 4;
}

/** Whether a model of this config needs external data (its f32 weights exceed one ONNX file). */
export function needsExternalData(cfg: ModelConfig): boolean {
  return onnxWeightBytes(cfg) > ONNX_MAX_WEIGHT_BYTES;
}
