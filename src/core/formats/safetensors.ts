/**
 * safetensors, the Hugging Face weight format (FORMATS.md): an 8-byte little-endian header
 * length N, N bytes of JSON {name: {dtype, shape, data_offsets}, "__metadata__"?}, then the data.
 * This module parses and validates headers, decodes F32/F16/BF16 into f32 and encodes f32 into
 * F32/F16/BF16. Lazy reads by byte range live in safetensors-file.ts, shards in
 * safetensors-index.ts, the streaming writer in safetensors-writer.ts.
 * Reference: https://github.com/huggingface/safetensors (format spec and its validation rules).
 */
import { StudioError, registerError } from '../errors';

export class SafetensorsFormatError extends StudioError {
  override readonly code = 'SAFETENSORS_FORMAT';
}
registerError('SAFETENSORS_FORMAT', SafetensorsFormatError);

export type Dtype = 'F32' | 'F16' | 'BF16';
export const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, F16: 2, BF16: 2 };
/** dtypes the format defines that the studio does not read (named so the error can say so). */
const OTHER_DTYPES = new Set(['F64', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);
/** Headers above this size are rejected (FORMATS.md). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Byte offsets relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Bytes before the data section (8 + header length). */
  dataStart: number;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
}

function fail(msg: string, file: string): never {
  throw new SafetensorsFormatError(
    `${file}: ${msg}. The file is not a valid safetensors checkpoint; re-download it or export it again.`,
    { file },
  );
}

/** Header length from the first 8 bytes. */
export function readHeaderLength(first8: Uint8Array, file = 'safetensors file'): number {
  if (first8.length < 8) fail('shorter than the 8-byte header length', file);
  const dv = new DataView(first8.buffer, first8.byteOffset, 8);
  const n = Number(dv.getBigUint64(0, true));
  if (n < 2) fail(`header length ${n} is too small`, file);
  if (n > MAX_HEADER_BYTES) fail(`header length ${n} bytes exceeds the 100 MB limit`, file);
  return n;
}

/**
 * Parse and validate a header. `headerJson` is the N bytes after the length; `fileSize`, when
 * known, bounds the offsets.
 */
export function parseHeader(headerJson: Uint8Array, fileSize?: number, file = 'safetensors file'): SafetensorsHeader {
  let obj: unknown;
  try {
    obj = JSON.parse(new TextDecoder().decode(headerJson));
  } catch {
    fail('header is not valid JSON', file);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail('header is not a JSON object', file);
  const dataStart = 8 + headerJson.length;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(obj as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('__metadata__ is not an object', file);
      for (const [k, mv] of Object.entries(v as Record<string, unknown>)) {
        if (typeof mv !== 'string') fail(`__metadata__.${k} is not a string`, file);
      }
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e?.dtype !== 'string') fail(`tensor ${name} has no dtype`, file);
    if (!Object.prototype.hasOwnProperty.call(DTYPE_BYTES, e.dtype)) {
      const why = OTHER_DTYPES.has(e.dtype) ? 'a dtype the studio does not read (quantised or integer weights)' : 'an unknown dtype';
      throw new SafetensorsFormatError(
        `${file}: tensor ${name} has dtype ${e.dtype}, ${why}. Only F32, F16 and BF16 weights are supported; ` +
          'pick a revision or repository with unquantised float weights.',
        { file, tensor: name, dtype: e.dtype },
      );
    }
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      fail(`tensor ${name} has an invalid shape`, file);
    }
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      fail(`tensor ${name} has invalid data_offsets`, file);
    }
    const [begin, end] = offs as [number, number];
    const dtype = e.dtype as Dtype;
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin) fail(`tensor ${name} has data_offsets [${begin}, ${end}] that end before they begin`, file);
    if (end - begin !== numel * DTYPE_BYTES[dtype]) {
      fail(`tensor ${name}: ${end - begin} bytes for shape [${(shape as number[]).join(', ')}] ${dtype}`, file);
    }
    if (fileSize !== undefined && dataStart + end > fileSize) {
      fail(`tensor ${name} ends at byte ${dataStart + end}, beyond the file size ${fileSize}`, file);
    }
    tensors.set(name, { name, dtype, shape: shape as number[], begin, end });
  }
  const sorted = [...tensors.values()].sort((a, b) => a.begin - b.begin);
  let pos = 0;
  for (const t of sorted) {
    if (t.begin < pos) fail(`tensor ${t.name} overlaps the previous tensor`, file);
    if (t.begin > pos) fail(`gap before tensor ${t.name}: data is not contiguous`, file);
    pos = t.end;
  }
  if (fileSize !== undefined && dataStart + pos !== fileSize) {
    fail(`the tensors end at byte ${dataStart + pos} but the file has ${fileSize} bytes (truncated or trailing data)`, file);
  }
  return { dataStart, tensors, metadata };
}

/** Parse the header of a whole file held in memory. */
export function parseSafetensors(bytes: Uint8Array, file = 'safetensors file'): SafetensorsHeader {
  const n = readHeaderLength(bytes.subarray(0, 8), file);
  if (8 + n > bytes.length) fail(`header of ${n} bytes runs past the end of the file`, file);
  return parseHeader(bytes.subarray(8, 8 + n), bytes.length, file);
}

/** Decode raw little-endian tensor bytes into f32. */
export function decodeToF32(raw: Uint8Array, dtype: Dtype): Float32Array {
  const n = raw.length / DTYPE_BYTES[dtype];
  const out = new Float32Array(n);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (dtype === 'F32') {
    for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
  } else if (dtype === 'BF16') {
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u[i] = dv.getUint16(i * 2, true) << 16;
  } else {
    for (let i = 0; i < n; i++) out[i] = f16ToF32(dv.getUint16(i * 2, true));
  }
  return out;
}

export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** f32 -> bf16 bits with round-to-nearest-even (NaN kept as a quiet NaN). */
export function f32ToBf16Bits(x: number): number {
  // One shared scratch word: this runs once per exported value.
  f32Scratch[0] = x;
  const u = u32Scratch[0];
  if ((u & 0x7fffffff) > 0x7f800000) return 0x7fc0;
  const rounding = 0x7fff + ((u >> 16) & 1);
  return ((u + rounding) >>> 16) & 0xffff;
}

/** f32 -> f16 bits with round-to-nearest-even; overflow goes to infinity, NaN stays NaN. */
export function f32ToF16Bits(x: number): number {
  f32Scratch[0] = x;
  const u = u32Scratch[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: value = half * 2^-24.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** Read one tensor of an in-memory file as f32. */
export function readTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): Float32Array {
  const t = header.tensors.get(name);
  if (!t) throw new SafetensorsFormatError(`tensor ${name} is not in this file`, { name });
  return decodeToF32(bytes.subarray(header.dataStart + t.begin, header.dataStart + t.end), t.dtype);
}

export interface TensorToWrite {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Header JSON bytes (padded with spaces to a multiple of 8, as the reference writer does). */
export function buildHeader(
  tensors: readonly { name: string; shape: number[]; numel: number; dtype?: Dtype }[],
  dtype: Dtype,
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  const obj: Record<string, unknown> = { __metadata__: metadata };
  let off = 0;
  for (const t of tensors) {
    const dt = t.dtype ?? dtype;
    const nbytes = t.numel * DTYPE_BYTES[dt];
    obj[t.name] = { dtype: dt, shape: t.shape, data_offsets: [off, off + nbytes] };
    off += nbytes;
  }
  let json = JSON.stringify(obj);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const body = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  return out;
}

/** Encode one tensor's data as little-endian bytes of the given dtype. */
export function encodeTensor(data: Float32Array, dtype: Dtype): Uint8Array {
  if (dtype === 'F32') {
    const out = new Uint8Array(data.length * 4);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < data.length; i++) dv.setFloat32(i * 4, data[i], true);
    return out;
  }
  const out = new Uint8Array(data.length * 2);
  const dv = new DataView(out.buffer);
  const enc = dtype === 'BF16' ? f32ToBf16Bits : f32ToF16Bits;
  for (let i = 0; i < data.length; i++) dv.setUint16(i * 2, enc(data[i]), true);
  return out;
}

/** Serialise tensors (in the given order) into one safetensors file in memory. */
export function serializeSafetensors(
  tensors: readonly TensorToWrite[],
  dtype: Dtype = 'F32',
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  const header = buildHeader(tensors.map((t) => ({ name: t.name, shape: t.shape, numel: t.data.length })), dtype, metadata);
  const parts = tensors.map((t) => encodeTensor(t.data, dtype));
  const total = header.length + parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let o = header.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
