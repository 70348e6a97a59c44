/**
 * Streaming safetensors export: the header (all names, dtypes, shapes, offsets) is written first,
 * then each tensor in the planned order, one at a time, so a multi-GB model never has to be held
 * in memory. `planShards` splits a tensor list into shards of at most `maxShardBytes` with the
 * `model.safetensors.index.json` that transformers expects (metadata.total_size = sum of tensor
 * bytes). The sink is any async byte consumer (a File System Access stream, a Node stream, memory).
 */
import { InvalidArgumentError, throwIfAborted } from '../errors';
import { buildHeader, DTYPE_BYTES, encodeTensor, type Dtype } from './safetensors';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from './safetensors-index';

export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  close?(): Promise<void>;
}

export interface PlannedTensor {
  name: string;
  shape: number[];
  /** Overrides the writer's default dtype for this tensor. */
  dtype?: Dtype;
}

export interface WriterOptions {
  dtype?: Dtype;
  metadata?: Record<string, string>;
  /** Elements encoded per chunk written to the sink (bounds temporary memory). */
  chunkElements?: number;
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export class SafetensorsStreamWriter {
  private next = 0;
  private written = 0;
  private constructor(
    private readonly sink: ByteSink,
    private readonly plan: readonly (PlannedTensor & { dtype: Dtype })[],
    readonly totalBytes: number,
    private readonly chunkElements: number,
  ) {}

  /** Write the header for `tensors` (in this order) and return a writer for their data. */
  static async begin(sink: ByteSink, tensors: readonly PlannedTensor[], opts: WriterOptions = {}): Promise<SafetensorsStreamWriter> {
    const dtype = opts.dtype ?? 'F32';
    const seen = new Set<string>();
    const plan = tensors.map((t) => {
      if (seen.has(t.name)) throw new InvalidArgumentError(`tensor ${t.name} is planned twice; each name must be unique in a safetensors file.`);
      seen.add(t.name);
      return { ...t, dtype: t.dtype ?? dtype };
    });
    const header = buildHeader(
      plan.map((t) => ({ name: t.name, shape: t.shape, numel: numel(t.shape), dtype: t.dtype })),
      dtype,
      opts.metadata ?? { format: 'pt' },
    );
    const dataBytes = plan.reduce((a, t) => a + numel(t.shape) * DTYPE_BYTES[t.dtype], 0);
    await sink.write(header);
    const w = new SafetensorsStreamWriter(sink, plan, header.length + dataBytes, opts.chunkElements ?? 1 << 20);
    w.written = header.length;
    return w;
  }

  /** Name of the tensor the writer expects next (null when all are written). */
  get expected(): string | null {
    return this.next < this.plan.length ? this.plan[this.next].name : null;
  }

  get bytesWritten(): number {
    return this.written;
  }

  /** Write the next planned tensor's data (f32, encoded to its planned dtype). */
  async write(name: string, data: Float32Array, signal?: AbortSignal): Promise<void> {
    const t = this.expect(name);
    if (data.length !== numel(t.shape)) {
      throw new InvalidArgumentError(`tensor ${name} has ${data.length} values but its planned shape [${t.shape.join(', ')}] needs ${numel(t.shape)}.`);
    }
    await this.encode(t, data, signal);
    this.next++;
  }

  /**
   * Write the next planned tensor from consecutive parts (row blocks, in order), so the whole
   * tensor never has to be in memory. The bytes equal those of `write` on the concatenation.
   */
  async writeParts(name: string, parts: AsyncIterable<Float32Array>, signal?: AbortSignal): Promise<void> {
    const t = this.expect(name);
    const need = numel(t.shape);
    let got = 0;
    for await (const p of parts) {
      got += p.length;
      if (got > need) break;
      await this.encode(t, p, signal);
    }
    if (got !== need) {
      throw new InvalidArgumentError(`tensor ${name} came in parts of ${got > need ? 'more than ' : ''}${got} values but its planned shape [${t.shape.join(', ')}] needs ${need}.`);
    }
    this.next++;
  }

  private expect(name: string): PlannedTensor & { dtype: Dtype } {
    const t = this.plan[this.next];
    if (!t || t.name !== name) {
      throw new InvalidArgumentError(`tensor ${name} written out of order: the header promised ${t ? t.name : 'no more tensors'} next. Write tensors in the planned order.`);
    }
    return t;
  }

  private async encode(t: PlannedTensor & { dtype: Dtype }, data: Float32Array, signal?: AbortSignal): Promise<void> {
    for (let i = 0; i < data.length; i += this.chunkElements) {
      throwIfAborted(signal);
      const bytes = encodeTensor(data.subarray(i, Math.min(data.length, i + this.chunkElements)), t.dtype);
      await this.sink.write(bytes);
      this.written += bytes.length;
    }
  }

  /** Check every planned tensor was written, then close the sink. */
  async finish(): Promise<void> {
    if (this.next !== this.plan.length) {
      throw new InvalidArgumentError(`only ${this.next} of ${this.plan.length} planned tensors were written; the file would be truncated.`);
    }
    await this.sink.close?.();
  }
}

export interface ShardPlan {
  files: { file: string; tensors: PlannedTensor[]; bytes: number }[];
  /** The index JSON object (null when everything fits one `model.safetensors`). */
  index: { metadata: { total_size: number }; weight_map: Record<string, string> } | null;
}

/**
 * Greedy split in the given order: a new shard starts when the next tensor would push the current
 * one past `maxShardBytes` (a single larger tensor gets a shard of its own, as transformers does).
 */
export function planShards(tensors: readonly PlannedTensor[], dtype: Dtype, maxShardBytes = 2 * 1024 ** 3): ShardPlan {
  const groups: { tensors: PlannedTensor[]; bytes: number }[] = [];
  let cur: { tensors: PlannedTensor[]; bytes: number } | null = null;
  for (const t of tensors) {
    const b = numel(t.shape) * DTYPE_BYTES[t.dtype ?? dtype];
    if (!cur || (cur.bytes + b > maxShardBytes && cur.tensors.length > 0)) {
      cur = { tensors: [], bytes: 0 };
      groups.push(cur);
    }
    cur.tensors.push(t);
    cur.bytes += b;
  }
  if (groups.length <= 1) {
    return { files: [{ file: SAFETENSORS_FILE, tensors: groups[0]?.tensors ?? [], bytes: groups[0]?.bytes ?? 0 }], index: null };
  }
  const n = String(groups.length).padStart(5, '0');
  const files = groups.map((g, i) => ({ file: `model-${String(i + 1).padStart(5, '0')}-of-${n}.safetensors`, ...g }));
  const weight_map: Record<string, string> = {};
  for (const f of files) for (const t of f.tensors) weight_map[t.name] = f.file;
  return { files, index: { metadata: { total_size: files.reduce((a, f) => a + f.bytes, 0) }, weight_map } };
}

export { SAFETENSORS_INDEX_FILE };

/** A sink that collects everything in memory (tests, small exports). */
export function memorySink(): ByteSink & { close(): Promise<void>; bytes(): Uint8Array; closed: boolean } {
  const parts: Uint8Array[] = [];
  const sink = {
    closed: false,
    write(chunk: Uint8Array): Promise<void> {
      parts.push(chunk.slice());
      return Promise.resolve();
    },
    close(): Promise<void> {
      sink.closed = true;
      return Promise.resolve();
    },
    bytes(): Uint8Array {
      const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    },
  };
  return sink;
}
