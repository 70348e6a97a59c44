// safetensors: round trips for every dtype, validation of every bad header, lazy range reads,
// sharded checkpoints and the streaming writer.
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import {
  buildHeader,
  decodeToF32,
  encodeTensor,
  f16ToF32,
  f32ToF16Bits,
  MAX_HEADER_BYTES,
  parseSafetensors,
  readTensor,
  SafetensorsFormatError,
  serializeSafetensors,
  type Dtype,
} from './safetensors';
import { SafetensorsFile } from './safetensors-file';
import { bytesReader, countingReader } from './range-reader';
import { SafetensorsIndexError, ShardMissingError, TensorSet } from './safetensors-index';
import { memorySink, planShards, SafetensorsStreamWriter } from './safetensors-writer';

/** A raw file from a header object and a data section of `dataBytes` bytes. */
function rawFile(header: unknown, dataBytes: number, headerLen?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen ?? json.length), true);
  out.set(json, 8);
  return out;
}

const rng = new Rng(7);
/** Values exactly representable in the dtype, so the round trip must be exact. */
function representable(n: number, dtype: Dtype): Float32Array {
  const x = rng.normalArray(n, 3);
  return decodeToF32(encodeTensor(x, dtype), dtype);
}

describe('round trip', () => {
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    it(`parse(serialise(x)) = x for ${dtype}`, () => {
      const a = representable(24, dtype);
      const b = representable(5, dtype);
      const bytes = serializeSafetensors(
        [
          { name: 'a', shape: [4, 6], data: a },
          { name: 'b', shape: [5], data: b },
        ],
        dtype,
      );
      const h = parseSafetensors(bytes);
      expect(h.metadata).toEqual({ format: 'pt' });
      expect(h.tensors.get('a')).toMatchObject({ dtype, shape: [4, 6] });
      expect(readTensor(bytes, h, 'a')).toEqual(a);
      expect(readTensor(bytes, h, 'b')).toEqual(b);
      expect(h.dataStart % 8).toBe(0);
    });
  }

  it('f16 encoding rounds to nearest even and handles specials', () => {
    for (const v of [0, -0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8, 0.1, 1 / 3]) {
      const back = f16ToF32(f32ToF16Bits(v));
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-12);
    }
    expect(f32ToF16Bits(1e6)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e6)).toBe(0xfc00);
    expect(Number.isNaN(f16ToF32(f32ToF16Bits(NaN)))).toBe(true);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(1e-9)).toBe(0);
    // every finite half survives a decode/encode round trip
    for (let h = 0; h < 0x7c00; h += 7) expect(f32ToF16Bits(f16ToF32(h))).toBe(h);
  });
});

describe('bad input', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const expectBad = (bytes: Uint8Array, re: RegExp) => {
    let err: unknown;
    try {
      parseSafetensors(bytes, 'x.safetensors');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SafetensorsFormatError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).toMatch(/re-download|pick a revision|export it again/);
  };
  it('a valid file parses', () => expect(parseSafetensors(rawFile(ok, 8)).tensors.size).toBe(1));
  it('shorter than 8 bytes', () => expectBad(new Uint8Array(4), /shorter than the 8-byte/));
  it('header length too small', () => expectBad(rawFile('{}', 0, 1), /too small/));
  it('header length past the end of the file', () => expectBad(rawFile(ok, 8, 4000), /runs past the end/));
  it('header over 100 MB', () => expectBad(rawFile(ok, 8, MAX_HEADER_BYTES + 1), /exceeds the 100 MB limit/));
  it('header not JSON', () => expectBad(rawFile('{"a": [1,', 0), /not valid JSON/));
  it('header not an object', () => expectBad(rawFile('[1,2]', 0), /not a JSON object/));
  it('offsets outside the file', () => expectBad(rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8), /beyond the file size/));
  it('overlapping tensors', () =>
    expectBad(
      rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12),
      /overlaps/,
    ));
  it('a gap between tensors', () =>
    expectBad(
      rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12),
      /not contiguous/,
    ));
  it('unknown dtype', () => expectBad(rawFile({ a: { dtype: 'Q9', shape: [2], data_offsets: [0, 8] } }, 8), /dtype Q9, an unknown dtype/));
  it('integer / quantised dtype named clearly', () =>
    expectBad(rawFile({ a: { dtype: 'I8', shape: [2], data_offsets: [0, 2] } }, 2), /I8, a dtype the studio does not read/));
  it('byte length does not match the shape', () => expectBad(rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /8 bytes for shape \[3\]/));
  it('invalid shape / offsets', () => {
    expectBad(rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 8] } }, 8), /invalid shape/);
    expectBad(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, 8), /invalid data_offsets/);
    expectBad(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, 8), /end before they begin/);
  });
  it('trailing bytes after the data', () => expectBad(rawFile(ok, 12), /truncated or trailing/));
  it('metadata must map strings to strings', () => expectBad(rawFile({ __metadata__: { a: 1 }, ...ok }, 8), /__metadata__.a/));
});

describe('lazy reads by range', () => {
  const a = rng.normalArray(64);
  const b = rng.normalArray(32);
  const bytes = serializeSafetensors([
    { name: 'a', shape: [8, 8], data: a },
    { name: 'b', shape: [32], data: b },
  ]);
  it('reads the header then only the requested tensor', async () => {
    const r = countingReader(bytesReader(bytes));
    const f = await SafetensorsFile.open(r, 'm.safetensors');
    expect(r.reads.length).toBe(2);
    expect(f.tensorNames).toEqual(['a', 'b']);
    expect(await f.readTensor('b')).toEqual(b);
    const [begin, end] = f.byteRange('b');
    expect(r.reads[2]).toEqual([begin, end]);
    expect(end - begin).toBe(32 * 4);
    await expect(f.readTensor('c')).rejects.toThrow(/not in this file/);
  });
  it('a header that runs past a short reader fails before reading it', async () => {
    const r = countingReader(bytesReader(bytes.subarray(0, 20)));
    await expect(SafetensorsFile.open(r, 'm.safetensors')).rejects.toThrow(/runs past the end/);
    expect(r.reads.length).toBe(1);
  });
});

describe('sharded checkpoints', () => {
  const t = { x: rng.normalArray(6), y: rng.normalArray(4), z: rng.normalArray(10) };
  const s1 = serializeSafetensors([{ name: 'x', shape: [2, 3], data: t.x }], 'F32');
  const s2 = serializeSafetensors(
    [
      { name: 'y', shape: [4], data: t.y },
      { name: 'z', shape: [10], data: t.z },
    ],
    'F32',
  );
  const index = JSON.stringify({ metadata: { total_size: 80 }, weight_map: { x: 'model-00001-of-00002.safetensors', y: 'model-00002-of-00002.safetensors', z: 'model-00002-of-00002.safetensors' } });
  const files: Record<string, Uint8Array> = { 'model-00001-of-00002.safetensors': s1, 'model-00002-of-00002.safetensors': s2 };
  const open = (f: string) => Promise.resolve(files[f] ? bytesReader(files[f]) : null);
  it('reads every tensor from its shard', async () => {
    const set = await TensorSet.sharded(index, open);
    expect(set.sharded).toBe(true);
    expect([...set.tensors.keys()]).toEqual(['x', 'y', 'z']);
    expect(set.entry('z').file).toBe('model-00002-of-00002.safetensors');
    expect(set.totalBytes).toBe(80);
    for (const k of ['x', 'y', 'z'] as const) expect(await set.readTensor(k)).toEqual(t[k]);
  });
  it('a shard named in the index but missing', async () => {
    const only1 = (f: string) => Promise.resolve(f === 'model-00001-of-00002.safetensors' ? bytesReader(s1) : null);
    await expect(TensorSet.sharded(index, only1)).rejects.toThrow(ShardMissingError);
    await expect(TensorSet.sharded(index, only1)).rejects.toThrow(/model-00002-of-00002.safetensors is named in model.safetensors.index.json/);
  });
  it('an index naming a tensor its shard lacks, or a broken index', async () => {
    const bad = JSON.stringify({ weight_map: { x: 'model-00002-of-00002.safetensors' } });
    await expect(TensorSet.sharded(bad, open)).rejects.toThrow(/does not contain it/);
    await expect(TensorSet.sharded('{', open)).rejects.toThrow(SafetensorsIndexError);
    await expect(TensorSet.sharded(JSON.stringify({ weight_map: { x: '../etc/passwd' } }), open)).rejects.toThrow(/invalid shard name/);
  });
});

describe('streaming writer', () => {
  const tensors = [
    { name: 'w', shape: [3, 5], data: rng.normalArray(15) },
    { name: 'b', shape: [3], data: rng.normalArray(3) },
  ];
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    it(`writes the same bytes as the in-memory serialiser (${dtype}), header first`, async () => {
      const sink = memorySink();
      const chunks: number[] = [];
      const spy = {
        write: (c: Uint8Array) => {
          chunks.push(c.length);
          return sink.write(c);
        },
        close: () => sink.close(),
      };
      const w = await SafetensorsStreamWriter.begin(spy, tensors, { dtype, chunkElements: 4 });
      expect(chunks.length).toBe(1);
      expect(w.expected).toBe('w');
      for (const t of tensors) await w.write(t.name, t.data);
      await w.finish();
      expect(sink.closed).toBe(true);
      expect(sink.bytes()).toEqual(serializeSafetensors(tensors, dtype));
      expect(w.bytesWritten).toBe(w.totalBytes);
    });
  }
  it('rejects out-of-order, mis-sized and unfinished writes', async () => {
    const w = await SafetensorsStreamWriter.begin(memorySink(), tensors);
    await expect(w.write('b', tensors[1].data)).rejects.toThrow(/out of order/);
    await expect(w.write('w', new Float32Array(2))).rejects.toThrow(/needs 15/);
    await w.write('w', tensors[0].data);
    await expect(w.finish()).rejects.toThrow(/only 1 of 2/);
  });
  it('per-tensor dtypes and header alignment', () => {
    const h = buildHeader([{ name: 'a', shape: [2], numel: 2, dtype: 'F16' }, { name: 'b', shape: [1], numel: 1 }], 'F32');
    expect(h.length % 8).toBe(0);
    const json = JSON.parse(new TextDecoder().decode(h.subarray(8))) as Record<string, { dtype: string; data_offsets: number[] }>;
    expect(json.a).toMatchObject({ dtype: 'F16', data_offsets: [0, 4] });
    expect(json.b).toMatchObject({ dtype: 'F32', data_offsets: [4, 8] });
  });
  it('plans shards with an index whose total_size is the tensor bytes', () => {
    const plan = planShards(
      [
        { name: 'a', shape: [100] },
        { name: 'b', shape: [100] },
        { name: 'c', shape: [300] },
        { name: 'd', shape: [10] },
      ],
      'F32',
      1000,
    );
    expect(plan.files.map((f) => f.file)).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
    expect(plan.files.map((f) => f.tensors.map((t) => t.name))).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(plan.index!.metadata.total_size).toBe(510 * 4);
    expect(plan.index!.weight_map.c).toBe('model-00002-of-00003.safetensors');
    const one = planShards([{ name: 'a', shape: [2] }], 'BF16');
    expect(one.index).toBeNull();
    expect(one.files[0].file).toBe('model.safetensors');
  });
});
