/**
 * A tiny hand-written protobuf encoder for the few ONNX messages the peer benchmarks need
 * (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TensorProto), and the
 * one-node models built from it: C = A @ B (MatMul) and C = A @ B^T (Gemm, transB = 1).
 * Field numbers follow onnx/onnx.proto (IR version 8, default-domain opset 17).
 */

/** Protobuf wire types. */
const VARINT = 0;
const LEN = 2;
const I32 = 5;

/** Appends protobuf fields to a growable byte array. */
class Writer {
  private bytes: number[] = [];

  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number): this {
    this.tag(field, VARINT);
    this.varint(v);
    return this;
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  raw(field: number, b: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }

  message(field: number, m: Writer): this {
    return this.raw(field, m.finish());
  }

  float(field: number, v: number): this {
    this.tag(field, I32);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    for (const x of b) this.bytes.push(x);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** onnx.TensorProto.DataType.FLOAT */
export const ONNX_FLOAT = 1;
/** onnx.AttributeProto.AttributeType */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;

export type Attribute = { name: string; i: number } | { name: string; f: number };

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Attribute[];
}

export interface ValueSpec {
  name: string;
  dims: number[];
}

export interface InitializerSpec extends ValueSpec {
  data: Float32Array;
}

export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers?: InitializerSpec[];
  opset?: number;
}

function valueInfo(v: ValueSpec): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.message(1, new Writer().int(1, d)); // TensorShapeProto.dim.dim_value
  const tensorType = new Writer().int(1, ONNX_FLOAT).message(2, shape); // elem_type, shape
  const type = new Writer().message(1, tensorType); // TypeProto.tensor_type
  return new Writer().string(1, v.name).message(2, type);
}

function tensor(t: InitializerSpec): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, ONNX_FLOAT).string(8, t.name);
  // raw_data is little-endian, which every WebAssembly and JS host is.
  return w.raw(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function node(n: NodeSpec, index: number): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.opType.toLowerCase()}_${index}`).string(4, n.opType);
  for (const a of n.attributes ?? []) {
    const aw = new Writer().string(1, a.name);
    if ('i' in a) aw.int(3, a.i).int(20, ATTR_INT);
    else aw.float(2, a.f).int(20, ATTR_FLOAT);
    w.message(5, aw);
  }
  return w;
}

/** Serialise a single-graph ONNX model. */
export function encodeModel(g: GraphSpec): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => graph.message(1, node(n, i)));
  graph.string(2, g.name);
  for (const t of g.initializers ?? []) graph.message(5, tensor(t));
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  const opset = new Writer().string(1, '').int(2, g.opset ?? 17);
  return new Writer()
    .int(1, 8) // ir_version
    .string(2, 'symphony-bench')
    .string(3, '0.1')
    .message(7, graph)
    .message(8, opset)
    .finish();
}

/**
 * One-node model with graph inputs A [M, K] and B ([K, N], or [N, K] with transB), output C [M, N].
 * transB uses Gemm (alpha = beta = 1, no C input), the ONNX op for x @ W^T.
 */
export function matmulModel(M: number, K: number, N: number, transB = false): Uint8Array {
  return encodeModel({
    name: transB ? 'gemm_transB' : 'matmul',
    nodes: [
      transB
        ? {
            opType: 'Gemm',
            inputs: ['A', 'B'],
            outputs: ['C'],
            attributes: [{ name: 'transB', i: 1 }],
          }
        : { opType: 'MatMul', inputs: ['A', 'B'], outputs: ['C'] },
    ],
    inputs: [
      { name: 'A', dims: [M, K] },
      { name: 'B', dims: transB ? [N, K] : [K, N] },
    ],
    outputs: [{ name: 'C', dims: [M, N] }],
  });
}
