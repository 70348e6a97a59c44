/**
 * A loaded Checkpoint as the engine's WeightProvider. Decoded tensors are kept in memory up to a
 * byte budget (the demo models fit whole; large sources keep only the most recent tensors), so
 * that the several passes of a session (probe, CKA, evaluation) do not decode a layer again.
 */
import type { TensorEntry } from '../core/formats/safetensors-index';
import { wholeTensorRows, type TensorRows } from '../core/formats/tensor-rows';
import type { Checkpoint } from '../io/checkpoint';
import { parseModelConfig, type ModelConfig } from '../model/config';
import { MissingTensorError, type HostTensor, type WeightProvider } from '../model/weights';

export class CheckpointWeights implements WeightProvider {
  readonly config: ModelConfig;
  private readonly cache = new Map<string, HostTensor>();
  private cachedBytes = 0;

  constructor(
    readonly checkpoint: Checkpoint,
    private readonly cacheBudgetBytes = 256 * 2 ** 20,
  ) {
    this.config = parseModelConfig(checkpoint.config.raw);
  }

  private entry(name: string): TensorEntry {
    const entry = this.checkpoint.tensors.get(name);
    if (!entry) {
      throw new MissingTensorError(`${this.checkpoint.source.id} has no tensor "${name}"; its weights do not match its config.json.`, { name });
    }
    return entry;
  }

  /** Rows by byte range from the checkpoint (or from the cache when the tensor is decoded already). */
  tensorRows(name: string): Promise<TensorRows> {
    const hit = this.cache.get(name);
    if (hit) return Promise.resolve(wholeTensorRows(name, hit.data, hit.shape));
    const entry = this.entry(name);
    return Promise.resolve({ shape: [...entry.shape], read: (start, count) => this.checkpoint.readRows(name, start, count) });
  }

  async getTensor(name: string): Promise<HostTensor> {
    const hit = this.cache.get(name);
    if (hit) {
      // Refresh its place in the LRU order.
      this.cache.delete(name);
      this.cache.set(name, hit);
      return hit;
    }
    const entry = this.entry(name);
    const t: HostTensor = { data: await this.checkpoint.readTensor(name), shape: [...entry.shape] };
    const bytes = t.data.byteLength;
    if (bytes <= this.cacheBudgetBytes) {
      while (this.cachedBytes + bytes > this.cacheBudgetBytes && this.cache.size > 0) {
        const [k, v] = this.cache.entries().next().value as [string, HostTensor];
        this.cache.delete(k);
        this.cachedBytes -= v.data.byteLength;
      }
      this.cache.set(name, t);
      this.cachedBytes += bytes;
    }
    return t;
  }
}

/** A provider whose token ids are remapped: rows of the embedding follow `rows` (for vocab unions). */
export function tokenMap(fromUnion: Int32Array, fallback = 0): (ids: Int32Array) => Int32Array {
  return (ids) => Int32Array.from(ids, (u) => (u < fromUnion.length && fromUnion[u] >= 0 ? fromUnion[u] : fallback));
}
