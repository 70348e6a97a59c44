/**
 * A minimal WebAssembly binary writer: enough of the module format (types, an imported memory,
 * functions, exports, code) and of the instruction set (i32 arithmetic, structured loops, 128-bit
 * SIMD loads, stores and f32x4 arithmetic) to generate the CPU kernels in ./gemm-kernel.ts at run
 * time, so no compiled artefact or toolchain is committed.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function str(s: string, out: number[]): void {
  const b = new TextEncoder().encode(s);
  uleb(b.length, out);
  out.push(...b);
}

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  out.push(...body);
}

/** One function body under construction: locals and instructions. */
export class FuncBuilder {
  readonly code: number[] = [];
  private readonly locals: number[] = [];

  constructor(readonly params: number[], readonly results: number[] = []) {}

  /** A new local of `type`; returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  get(i: number): this { this.code.push(0x20); uleb(i, this.code); return this; }
  set(i: number): this { this.code.push(0x21); uleb(i, this.code); return this; }
  tee(i: number): this { this.code.push(0x22); uleb(i, this.code); return this; }
  i32(v: number): this { this.code.push(0x41); sleb(v | 0, this.code); return this; }
  add(): this { this.code.push(0x6a); return this; }
  sub(): this { this.code.push(0x6b); return this; }
  mul(): this { this.code.push(0x6c); return this; }
  shl(): this { this.code.push(0x74); return this; }
  ltU(): this { this.code.push(0x49); return this; }
  leU(): this { this.code.push(0x4d); return this; }
  eqz(): this { this.code.push(0x45); return this; }
  /** `block` (label for br: forward exit) around body. */
  block(body: () => void): this { this.code.push(0x02, 0x40); body(); this.code.push(0x0b); return this; }
  /** `loop` (label for br: back to the top) around body. */
  loop(body: () => void): this { this.code.push(0x03, 0x40); body(); this.code.push(0x0b); return this; }
  br(depth: number): this { this.code.push(0x0c); uleb(depth, this.code); return this; }
  brIf(depth: number): this { this.code.push(0x0d); uleb(depth, this.code); return this; }
  /** i += c for an i32 local. */
  inc(i: number, c: number): this { return this.get(i).i32(c).add().set(i); }

  private simd(op: number): this { this.code.push(0xfd); uleb(op, this.code); return this; }
  private memarg(align: number, offset: number): this { uleb(align, this.code); uleb(offset, this.code); return this; }
  v128Load(offset = 0): this { return this.simd(0x00).memarg(4, offset); }
  v128Load32Splat(offset = 0): this { return this.simd(0x09).memarg(2, offset); }
  v128Store(offset = 0): this { return this.simd(0x0b).memarg(4, offset); }
  v128Zero(): this { this.simd(0x0c); for (let i = 0; i < 16; i++) this.code.push(0); return this; }
  f32x4Add(): this { return this.simd(0xe4); }
  /** i8x16.shuffle of the two v128 operands by byte lanes. */
  shuffle(lanes: number[]): this { this.simd(0x0d); this.code.push(...lanes); return this; }
  f32x4ExtractLane(lane: number): this { this.simd(0x1f); this.code.push(lane); return this; }
  f32Store(offset = 0): this { this.code.push(0x38); return this.memarg(2, offset); }
  and(): this { this.code.push(0x71); return this; }
  drop(): this { this.code.push(0x1a); return this; }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Min(): this { return this.simd(0xe8); }
  f32x4Max(): this { return this.simd(0xe9); }
  f32x4Neg(): this { return this.simd(0xe1); }
  f32x4Nearest(): this { return this.simd(0x6a); }
  i32x4TruncSatF32x4S(): this { return this.simd(0xf8); }
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Shl(): this { return this.simd(0xab); }
  /** v128.const with the f32 value in all four lanes. */
  f32x4Const(v: number): this {
    this.simd(0x0c);
    const b = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
    this.code.push(...b);
    return this;
  }
  /** v128.const with the i32 value in all four lanes. */
  i32x4Const(v: number): this {
    this.simd(0x0c);
    const b = new Uint8Array(new Int32Array([v, v, v, v]).buffer);
    this.code.push(...b);
    return this;
  }
  /** relaxed-simd f32x4.relaxed_madd(a, b, c) = a * b + c (fused where the CPU can). */
  f32x4Madd(): this { return this.simd(0x105); }

  encode(): number[] {
    const out: number[] = [];
    const groups: [number, number][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(groups.length, out);
    for (const [n, t] of groups) { uleb(n, out); out.push(t); }
    out.push(...this.code, 0x0b);
    return out;
  }
}

/** A module importing env.memory and exporting the given functions. */
export function moduleBytes(funcs: { name: string; fn: FuncBuilder }[]): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(funcs.length, types);
  for (const { fn } of funcs) {
    types.push(0x60);
    uleb(fn.params.length, types); types.push(...fn.params);
    uleb(fn.results.length, types); types.push(...fn.results);
  }
  section(1, types, out);
  const imports: number[] = [];
  uleb(1, imports); str('env', imports); str('memory', imports); imports.push(0x02, 0x00); uleb(1, imports);
  section(2, imports, out);
  const fsec: number[] = [];
  uleb(funcs.length, fsec);
  funcs.forEach((_, i) => uleb(i, fsec));
  section(3, fsec, out);
  const exp: number[] = [];
  uleb(funcs.length, exp);
  funcs.forEach(({ name }, i) => { str(name, exp); exp.push(0x00); uleb(i, exp); });
  section(7, exp, out);
  const code: number[] = [];
  uleb(funcs.length, code);
  for (const { fn } of funcs) {
    const body = fn.encode();
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code, out);
  return new Uint8Array(out);
}
