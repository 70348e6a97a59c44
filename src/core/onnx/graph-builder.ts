/**
 * GraphBuilder: accumulates ONNX nodes and initializers with generated value names, plus typed
 * helpers for the handful of ops the transformer export uses (all in onnxruntime-web's wasm and
 * webgpu operator sets at opset 17). Constants are deduplicated by value so that, e.g., the
 * shape [-1] appears once however many Reshapes use it.
 */
import type { ExternalData } from './external-data';
import { DataType, modelProto, type AttributeValue, type NodeValue, type TensorValue, type ValueInfo } from './proto';

export class GraphBuilder {
  readonly nodes: NodeValue[] = [];
  readonly initializers: TensorValue[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** `external`: where large weights go instead of the model (ONNX external data). */
  constructor(readonly name = 'main', private readonly external: ExternalData | null = null) {}

  private fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  /** Add a node; returns its output names (`n` outputs). */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, n = 1, hint = opType.toLowerCase()): string[] {
    const outputs = Array.from({ length: n }, () => this.fresh(hint));
    this.nodes.push({ opType, inputs, outputs, name: this.fresh(`n_${opType}`), attributes });
    return outputs;
  }

  /** A node with caller-chosen output names (graph outputs). */
  opNamed(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, AttributeValue> = {}): void {
    this.nodes.push({ opType, inputs, outputs, name: this.fresh(`n_${opType}`), attributes });
  }

  op1(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, hint?: string): string {
    return this.op(opType, inputs, attributes, 1, hint)[0];
  }

  /** A named f32 initializer (weights); returns its name. */
  weight(name: string, dims: readonly number[], data: Float32Array): string {
    const external = this.external?.place(data);
    if (external) this.initializers.push({ name, dims, dataType: DataType.FLOAT, data: new Float32Array(0), external });
    else this.initializers.push({ name, dims, dataType: DataType.FLOAT, data });
    return name;
  }

  private constant(dataType: typeof DataType.FLOAT | typeof DataType.INT64, dims: readonly number[], values: readonly number[]): string {
    const key = `${dataType}:${dims.join('x')}:${values.join(',')}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.fresh(dataType === DataType.FLOAT ? 'const_f' : 'const_i');
    const data = dataType === DataType.FLOAT ? Float32Array.from(values) : BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, dataType, data });
    this.constants.set(key, name);
    return name;
  }

  /** int64 1-D constant (shapes, axes, slice bounds). */
  ints(values: readonly number[]): string {
    return this.constant(DataType.INT64, [values.length], values);
  }

  /** int64 scalar constant. */
  int(value: number): string {
    return this.constant(DataType.INT64, [], [value]);
  }

  /** f32 scalar constant. */
  float(value: number): string {
    return this.constant(DataType.FLOAT, [], [value]);
  }

  add(a: string, b: string): string {
    return this.op1('Add', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op1('Mul', [a, b]);
  }
  matmul(a: string, b: string): string {
    return this.op1('MatMul', [a, b]);
  }
  /** a [T, in] times w [out, in] transposed (+ bias [out]): the HF Linear, weights in their stored layout. */
  linear(a: string, w: string, bias?: string | null): string {
    return this.op1('Gemm', bias ? [a, w, bias] : [a, w], { transB: 1 }, 'linear');
  }
  reshape(x: string, shape: readonly number[]): string {
    return this.op1('Reshape', [x, this.ints(shape)]);
  }
  transpose(x: string, perm: number[]): string {
    return this.op1('Transpose', [x], { perm });
  }
  /** Slice along one axis; `end` may be a value name (a dynamic bound, int64 [1]). */
  slice(x: string, axis: number, start: number, end: number | string): string {
    return this.op1('Slice', [x, this.ints([start]), typeof end === 'number' ? this.ints([end]) : end, this.ints([axis])]);
  }
  concat(xs: readonly string[], axis: number): string {
    return this.op1('Concat', xs, { axis });
  }
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.op1('Unsqueeze', [x, this.ints(axes)]);
  }
  sigmoid(x: string): string {
    return this.op1('Sigmoid', [x]);
  }
  /** silu(x) = x * sigmoid(x). */
  silu(x: string): string {
    return this.mul(x, this.sigmoid(x));
  }

  toModel(inputs: readonly ValueInfo[], outputs: readonly ValueInfo[], metadata: Record<string, string> = {}): Uint8Array {
    return modelProto({ name: this.name, nodes: this.nodes, initializers: this.initializers, inputs, outputs }, { metadata });
  }
}
