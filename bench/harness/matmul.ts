/**
 * Matmul benchmarks: our WebGPU matmul (src/gpu/kernels/matmul.ts) against onnxruntime-web on a
 * one-node ONNX model (bench/onnx.ts), C[M, N] = A[M, K] @ B[K, N] (MatMul) or A @ B^T (Gemm
 * transB, B in the [out, in] layout of HF linear weights). Figures are GFLOP/s = 2MNK / time.
 * What a timed run includes:
 *   ours:       encode one dispatch (bind group + uniforms), submit, await onSubmittedWorkDone;
 *               A and B already on the GPU, C preallocated.
 *   ORT webgpu: session.run() with A, B and C as GPU-buffer tensors (io binding, nothing crosses
 *               the bus), then await onSubmittedWorkDone on ORT's device.
 *   ORT wasm:   session.run() with CPU tensors; includes copying A and B into the wasm heap and C
 *               out of it (O(MK + KN) against O(MNK) work).
 * Every implementation's result is spot-checked against a float64 CPU dot product first.
 */
import type * as Ort from 'onnxruntime-web';
import type { GpuContext } from '../../src/gpu/context';
import { chooseMatmulVariant, matmul, matmulPipelinesFor } from '../../src/gpu/kernels/matmul';
import { Rng } from '../../src/core/rng';
import { matmulModel } from '../onnx';
import type { Benchmark, Measurement } from './registry';
import { gflops, timeIt, type TimingOptions } from './timing';

export type OrtModule = typeof Ort;
export type OrtProvider = 'webgpu' | 'wasm';

export interface MatmulShape {
  M: number;
  K: number;
  N: number;
  transB: boolean;
}

export function shapeName(s: MatmulShape): string {
  const dims = s.M === s.K && s.K === s.N ? `${s.M}^3` : `${s.M}x${s.K}x${s.N}`;
  return `matmul${s.transB ? ' A@B^T' : ''} ${dims}`;
}

const flopsOf = (s: MatmulShape): number => 2 * s.M * s.N * s.K;

/** Seeded inputs, identical for every implementation of one shape. */
function inputs(s: MatmulShape): { a: Float32Array; b: Float32Array } {
  const rng = new Rng(1234 + s.M + 7 * s.K + 31 * s.N + (s.transB ? 1 : 0));
  return { a: rng.uniformArray(s.M * s.K), b: rng.uniformArray(s.K * s.N) };
}

export class ResultMismatchError extends Error {
  override name = 'ResultMismatchError';
}

/** Compare the first rows of C against float64 dot products; throws on a wrong result. */
function spotCheck(
  who: string,
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  s: MatmulShape,
): void {
  const rows = Math.min(2, s.M);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < s.N; j++) {
      let ref = 0;
      for (let k = 0; k < s.K; k++)
        ref += a[i * s.K + k] * (s.transB ? b[j * s.K + k] : b[k * s.N + j]);
      const got = c[i * s.N + j];
      if (!(Math.abs(got - ref) <= 1e-3 + 1e-3 * Math.abs(ref))) {
        throw new ResultMismatchError(
          `${who}: C[${i}, ${j}] = ${got}, expected ${ref} (${shapeName(s)})`,
        );
      }
    }
  }
}

async function readFloats(device: GPUDevice, src: GPUBuffer, count: number): Promise<Float32Array> {
  const staging = device.createBuffer({
    size: count * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, staging, 0, count * 4);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

/** Our matmul on `ctx`, in GFLOP/s. */
export async function measureOurs(
  ctx: GpuContext,
  s: MatmulShape,
  timing: TimingOptions,
): Promise<number> {
  await ctx.pipelines.prepare(matmulPipelinesFor(ctx.caps));
  const { a, b } = inputs(s);
  const ta = ctx.upload(a, [s.M, s.K], 'bench.A');
  const tb = ctx.upload(b, s.transB ? [s.N, s.K] : [s.K, s.N], 'bench.B');
  const tc = ctx.tensor([s.M, s.N], 'bench.C');
  const once = async (): Promise<void> => {
    const bt = ctx.batch('bench');
    await matmul(ctx, bt, ta, tb, { transB: s.transB, out: tc, label: 'bench.matmul' });
    bt.submit();
    await ctx.device.queue.onSubmittedWorkDone();
  };
  try {
    await once();
    spotCheck('ours', await ctx.read(tc, Math.min(2, s.M) * s.N), a, b, s);
    const t = await timeIt(once, timing);
    return gflops(flopsOf(s), t.medianMs);
  } finally {
    ctx.release(ta, tb, tc);
  }
}

export interface OrtSetup {
  ort: OrtModule;
  provider: OrtProvider;
  /** Shown in the table, e.g. "ORT-web 1.30 webgpu". */
  label: string;
}

/** onnxruntime-web on the same problem, in GFLOP/s. */
export async function measureOrt(
  o: OrtSetup,
  s: MatmulShape,
  timing: TimingOptions,
): Promise<number> {
  const { ort, provider } = o;
  const { a, b } = inputs(s);
  const bDims = s.transB ? [s.N, s.K] : [s.K, s.N];
  const session = await ort.InferenceSession.create(matmulModel(s.M, s.K, s.N, s.transB), {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
  });
  try {
    if (provider === 'wasm') {
      const feeds = {
        A: new ort.Tensor('float32', a, [s.M, s.K]),
        B: new ort.Tensor('float32', b, bDims),
      };
      // The wasm provider allocates its CPU outputs itself (a preallocated CPU fetch is not filled).
      let out: Float32Array | null = null;
      const once = async (): Promise<void> => {
        const r = await session.run(feeds);
        out = r.C.data as Float32Array;
      };
      await once();
      spotCheck(o.label, out ?? new Float32Array(0), a, b, s);
      const t = await timeIt(once, timing);
      return gflops(flopsOf(s), t.medianMs);
    }
    const device = await ort.env.webgpu.device;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buf = (data: Float32Array | null, n: number): GPUBuffer => {
      const g = device.createBuffer({ size: n * 4, usage });
      if (data) device.queue.writeBuffer(g, 0, data);
      return g;
    };
    const ga = buf(a, a.length);
    const gb = buf(b, b.length);
    const gc = buf(null, s.M * s.N);
    const feeds = {
      A: ort.Tensor.fromGpuBuffer(ga, { dataType: 'float32', dims: [s.M, s.K] }),
      B: ort.Tensor.fromGpuBuffer(gb, { dataType: 'float32', dims: bDims }),
    };
    const fetches = { C: ort.Tensor.fromGpuBuffer(gc, { dataType: 'float32', dims: [s.M, s.N] }) };
    const once = async (): Promise<void> => {
      await session.run(feeds, fetches);
      await device.queue.onSubmittedWorkDone();
    };
    try {
      await once();
      spotCheck(o.label, await readFloats(device, gc, Math.min(2, s.M) * s.N), a, b, s);
      const t = await timeIt(once, timing);
      return gflops(flopsOf(s), t.medianMs);
    } finally {
      ga.destroy();
      gb.destroy();
      gc.destroy();
    }
  } finally {
    await session.release();
  }
}

/** Which of our kernels ran, for the notes under the table. */
export function oursNote(env: string, ctx: GpuContext): string {
  return `ours (${env}): matmul variant ${chooseMatmulVariant(ctx.caps, 256)} (chosen for this adapter)`;
}

/** Timing budget by problem size: small problems get more runs, 1024^3 a few seconds. */
export function timingFor(s: MatmulShape): TimingOptions {
  const big = flopsOf(s) > 1e9;
  return big
    ? { warmup: 1, minRuns: 3, maxRuns: 7, budgetMs: 5000 }
    : { warmup: 3, minRuns: 5, maxRuns: 30, budgetMs: 1500 };
}

/**
 * One benchmark per (shape, peer). Our figure is measured once per shape and shared by the rows
 * of that shape, so each row's ratio compares figures from the same run.
 */
export function matmulBenchmarks(
  ctx: GpuContext,
  shapes: MatmulShape[],
  peers: OrtSetup[],
  notes: Partial<Record<OrtProvider, string>> = {},
): Benchmark[] {
  // All of our figures are taken first, before any peer session exists, so that neither side
  // shares the CPU with the other's idle worker threads.
  let ours: Promise<Map<string, number>> | null = null;
  const measureAll = async (): Promise<Map<string, number>> => {
    const m = new Map<string, number>();
    for (const s of shapes) m.set(shapeName(s), await measureOurs(ctx, s, timingFor(s)));
    return m;
  };
  const oursFor = async (s: MatmulShape): Promise<number> => {
    ours ??= measureAll();
    return (await ours).get(shapeName(s)) ?? NaN;
  };
  const list: Benchmark[] = [];
  for (const s of shapes) {
    for (const peer of peers) {
      list.push({
        name: shapeName(s),
        unit: 'GFLOP/s',
        async run(): Promise<Measurement> {
          const o = await oursFor(s);
          try {
            const p = await measureOrt(peer, s, timingFor(s));
            return { ours: o, peer: p, peerName: peer.label, note: notes[peer.provider] };
          } catch (e) {
            // Keep our figure when only the peer fails; the error shows in the note.
            return {
              ours: o,
              peer: null,
              peerName: peer.label,
              note: `failed: ${e instanceof Error ? e.message : String(e)}`,
            };
          }
        },
      });
    }
  }
  return list;
}

export const DEFAULT_SHAPES: MatmulShape[] = [
  { M: 256, K: 256, N: 256, transB: false },
  { M: 1024, K: 1024, N: 1024, transB: false },
  { M: 256, K: 256, N: 256, transB: true },
  { M: 1024, K: 1024, N: 1024, transB: true },
];
