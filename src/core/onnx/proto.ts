/**
 * A small hand-written protobuf encoder for the ONNX messages an exported model needs:
 * ModelProto, OperatorSetIdProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto (+ TypeProto.Tensor, TensorShapeProto). Field numbers follow onnx/onnx.proto
 * (IR version 8, default-domain opset 17). Tensors are stored as raw little-endian bytes
 * (raw_data); repeated int64 fields are written unpacked, which every protobuf parser accepts.
 * Messages are built bottom-up as byte arrays; the model is one buffer, which protobuf limits to
 * 2 GiB: larger weights go to an external data file (TensorProto external_data / data_location,
 * ./external-data.ts), as the ONNX spec allows.
 */

const VARINT = 0;
const I32 = 5;
const LEN = 2;

export const IR_VERSION = 8;
export const OPSET = 17;

/** onnx.TensorProto.DataType */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** Appends protobuf fields; `bytes()` concatenates them. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  private flush(): void {
    if (this.pending.length) {
      this.parts.push(Uint8Array.from(this.pending));
      this.pending = [];
    }
  }

  private byte(b: number): void {
    this.pending.push(b);
    this.size++;
  }

  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    this.tag(field, VARINT);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, I32);
    for (const b of new Uint8Array(Float32Array.of(v).buffer)) this.byte(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(b.length);
    this.flush();
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  get length(): number {
    return this.size;
  }

  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;

/** Where a tensor's raw bytes are in the external data file (ONNX external_data keys). */
export interface ExternalRef {
  location: string;
  offset: number;
  length: number;
}

export interface TensorValue {
  name: string;
  dims: readonly number[];
  dataType: DataTypeId;
  /** The values; ignored (may be empty) when `external` says where they are. */
  data: TensorData;
  external?: ExternalRef;
}

/**
 * TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9, external_data = 13
 * (StringStringEntryProto: key 1, value 2), data_location = 14 (EXTERNAL = 1).
 */
export function tensorProto(t: TensorValue): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  if (t.external) {
    const { location, offset, length } = t.external;
    for (const [k, v] of [['location', location], ['offset', String(offset)], ['length', String(length)]]) {
      w.message(13, new ProtoWriter().string(1, k).string(2, v));
    }
    return w.int(14, 1);
  }
  const d = t.data;
  const raw = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  // raw_data is little-endian, which typed arrays are on every platform browsers and Node run on.
  w.bytes(9, raw);
  return w;
}

export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] } | TensorValue;

/** AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20. */
export function attributeProto(name: string, v: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof v === 'number') return w.int(3, v).int(20, 2);
  if (typeof v === 'string') return w.string(4, v).int(20, 3);
  if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    return w.int(20, 7);
  }
  if ('float' in v) return w.float(2, v.float).int(20, 1);
  if ('floats' in v) {
    for (const x of v.floats) w.float(7, x);
    return w.int(20, 6);
  }
  return w.message(5, tensorProto(v)).int(20, 4);
}

export interface NodeValue {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Record<string, AttributeValue>;
}

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
export function nodeProto(n: NodeValue): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, attributeProto(k, v));
  return w;
}

export interface ValueInfo {
  name: string;
  elemType: DataTypeId;
  /** A number is a fixed size, a string a symbolic dimension. */
  shape: readonly (number | string)[];
}

/** ValueInfoProto { name 1, type 2: TypeProto { tensor_type 1: { elem_type 1, shape 2: { dim 1: { dim_value 1 | dim_param 2 } } } } }. */
export function valueInfoProto(v: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, v.elemType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

export interface GraphValue {
  name: string;
  nodes: readonly NodeValue[];
  initializers: readonly TensorValue[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

/** GraphProto: node 1, name 2, initializer 5, input 11, output 12. */
export function graphProto(g: GraphValue): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, nodeProto(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, tensorProto(t));
  for (const i of g.inputs) w.message(11, valueInfoProto(i));
  for (const o of g.outputs) w.message(12, valueInfoProto(o));
  return w;
}

/** ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8, metadata_props 14. */
export function modelProto(g: GraphValue, opts: { producer?: string; version?: string; metadata?: Record<string, string> } = {}): Uint8Array {
  const w = new ProtoWriter().int(1, IR_VERSION);
  w.string(2, opts.producer ?? 'symphony-studio').string(3, opts.version ?? '0.1.0');
  w.message(7, graphProto(g));
  w.message(8, new ProtoWriter().string(1, '').int(2, OPSET));
  for (const [k, v] of Object.entries(opts.metadata ?? {})) w.message(14, new ProtoWriter().string(1, k).string(2, v));
  return w.finish();
}
