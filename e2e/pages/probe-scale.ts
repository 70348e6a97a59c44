// The probe at real-model scale in the browser (issue "Headless CLI and real-model scale"): seeded
// synthetic sources with the exact layer shapes of Qwen2.5-0.5B or 1.5B (a small vocabulary, a
// few layers of the stack) run through the probe twice on the page's WebGPU device: once with
// the FFN moments accumulated on the GPU (the path under test, tiled in row blocks when a matrix
// exceeds one storage binding) and once with the same activations read back and accumulated by
// the CPU MomentAccumulator (the reference). Every buffer the device creates is logged against
// its limits, errors are caught by error scopes and the uncapturederror event, and the results
// go to window.__probeScale for e2e/probe-scale.spec.ts. The case comes from the query string:
//   ?shape=0.5b|1.5b&layers=N&models=N&limits=adapter|default&selfFull=0|1&windows=N&seq=N&chunk=N
// limits=default caps the device at WebGPU's default binding and buffer limits (128 / 256 MiB),
// a smaller device than this adapter, so that the moments must be tiled.
import { Rng } from '../../src/core/rng';
import { correlationFromMoments } from '../../src/core/stats/correlation';
import type { MomentAccumulator } from '../../src/core/stats/moments';
import { describeAdapter } from '../../src/gpu/capabilities';
import type { GpuContext } from '../../src/gpu/context';
import { acquireGpu } from '../../src/gpu/device';
import { WebGpuBackend } from '../../src/gpu/webgpu-backend';
import { probe, type ProbeResult } from '../../src/merge/probe';
import { SyntheticWeights, type ScaleShape } from '../../src/model/testing/synthetic';

export interface ProbeScaleCase {
  shape: ScaleShape;
  layers: number;
  models: number;
  limits: 'adapter' | 'default';
  selfFull: boolean;
  windows: number;
  seq: number;
  chunk: number;
}

export interface ProbeScaleResult {
  adapter: string;
  config: { hidden: number; intermediate: number; heads: number; kvHeads: number; headDim: number; layers: number; vocab: number };
  limits: { device: { binding: number; buffer: number }; adapter: { binding: number; buffer: number } };
  tokens: number;
  buffers: { created: number; maxBytes: number; maxLabel: string; overLimit: string[] };
  /** Row-block buffers of the moment matrices created by the GPU probe, per label. */
  tiles: Record<string, { buffers: number; maxBytes: number }>;
  /** Moment matrices held per layer (cross pairs, plus one per model with selfFull). */
  matricesPerLayer: number;
  errors: string[];
  /** Largest errors over layers and streams, each relative to its natural scale (see the page). */
  diff: { count: boolean; shift: number; sum: number; second: number; cross: number; corr: number };
  /** Mean correlation of neuron i of the anchor with neuron i of model 1 (related sources: high). */
  meanDiagCorr: number;
  ms: { gpuProbe: number; hostProbe: number; compare: number };
}

declare global {
  interface Window {
    __probeScale?: ProbeScaleResult | { error: string };
  }
}

const DEFAULT_LIMITS = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };
const STORAGE = 0x80;

function readCase(q: URLSearchParams): ProbeScaleCase {
  const n = (k: string, d: number): number => Number(q.get(k) ?? d);
  return {
    shape: (q.get('shape') ?? '0.5b') as ScaleShape, layers: n('layers', 2), models: n('models', 2),
    limits: q.get('limits') === 'default' ? 'default' : 'adapter', selfFull: q.get('selfFull') === '1',
    windows: n('windows', 2), seq: n('seq', 16), chunk: n('chunk', 1),
  };
}

/** Log every buffer the device creates; note those beyond the device's limits. */
function watchBuffers(ctx: GpuContext): { log: ProbeScaleResult['buffers']; tiles: Map<string, number[]> } {
  const { device } = ctx;
  const log = { created: 0, maxBytes: 0, maxLabel: '', overLimit: [] as string[] };
  const tiles = new Map<string, number[]>();
  const create = device.createBuffer.bind(device);
  device.createBuffer = (d: GPUBufferDescriptor): GPUBuffer => {
    const label = d.label ?? '';
    log.created++;
    if (d.size > log.maxBytes) {
      log.maxBytes = d.size;
      log.maxLabel = label;
    }
    if (d.size > device.limits.maxBufferSize || ((d.usage & STORAGE) !== 0 && d.size > device.limits.maxStorageBufferBindingSize)) {
      log.overLimit.push(`${label}: ${d.size} B`);
    }
    if (label === 'moments.self' || label === 'moments.cross') tiles.set(label, [...(tiles.get(label) ?? []), d.size]);
    return create(d);
  };
  return { log, tiles };
}

/** max over i of |a_i - b_i| / scale(i). */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>, scale: (i: number) => number): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(scale(i), 1e-30));
  return m;
}

/**
 * GPU totals vs the CPU reference's, each relative to its natural scale: shifts to |c| + std;
 * sums to sqrt(sum z^2) = sqrt(Q_ii); second and cross moments X_ij to sqrt(Q_ii Q_jj), the
 * Cauchy-Schwarz bound of sum |z_i z_j| that the f32 chunk sums' error is proportional to.
 */
function compare(cpu: MomentAccumulator, gpu: MomentAccumulator, into: ProbeScaleResult['diff']): Float32Array[] {
  into.count &&= cpu.count === gpu.count;
  const diag = cpu.dims.map((d, s) => Float64Array.from({ length: d }, (_, i) => Math.max(0, cpu.selfFull ? cpu.sumSq[s][i * d + i] : cpu.sumSq[s][i])));
  const T = cpu.count;
  cpu.dims.forEach((d, s) => {
    const q = diag[s];
    into.shift = Math.max(into.shift, maxRel(gpu.shift[s], cpu.shift[s], (i) => Math.abs(cpu.shift[s][i]) + Math.sqrt(q[i] / T)));
    into.sum = Math.max(into.sum, maxRel(gpu.sum[s], cpu.sum[s], (i) => Math.sqrt(q[i])));
    into.second = Math.max(into.second, maxRel(gpu.sumSq[s], cpu.sumSq[s], cpu.selfFull ? (k) => Math.sqrt(q[Math.floor(k / d)] * q[k % d]) : (i) => q[i]));
  });
  const corrs: Float32Array[] = [];
  for (const [key, x] of cpu.cross) {
    const [a, b] = key.split(',').map(Number);
    const db = cpu.dims[b];
    into.cross = Math.max(into.cross, maxRel(gpu.cross.get(key)!, x, (k) => Math.sqrt(diag[a][Math.floor(k / db)] * diag[b][k % db])));
    const ca = correlationFromMoments(cpu, a, b).corr;
    into.corr = Math.max(into.corr, maxRel(correlationFromMoments(gpu, a, b).corr, ca, () => 1));
    corrs.push(ca);
  }
  return corrs;
}

async function runCase(c: ProbeScaleCase): Promise<ProbeScaleResult> {
  const ctx = await acquireGpu(c.limits === 'default' ? { capLimits: DEFAULT_LIMITS } : {});
  const { log, tiles } = watchBuffers(ctx);
  const { device, adapter } = ctx;
  const errors: string[] = [];
  device.addEventListener('uncapturederror', (ev) => errors.push(`uncaptured: ${ev.error.message}`));
  void device.lost.then((info) => errors.push(`device lost: ${info.reason} ${info.message}`));
  for (const f of ['validation', 'out-of-memory', 'internal'] as const) device.pushErrorScope(f);
  const popScopes = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      const e = await device.popErrorScope();
      if (e) errors.push(`${e.constructor.name}: ${e.message}`);
    }
  };

  const vocab = 512;
  // Related sources: a shared base plus 10% own noise each (fine-tunes of one model).
  const sources = Array.from({ length: c.models }, (_, m) => new SyntheticWeights(c.shape, { seed: 10 + m, baseSeed: 1, vocab, layers: c.layers, keep: true }));
  const cfg = sources[0].config;
  const rng = new Rng(7);
  const windows = Array.from({ length: c.windows }, () => Int32Array.from({ length: c.seq }, () => rng.int(vocab)));
  const opts = { anchor: 0, chunkWindows: c.chunk, residual: false, selfFull: c.selfFull };

  let t0 = performance.now();
  const run = async (gpuMoments: boolean): Promise<ProbeResult> => {
    try {
      return await probe(sources, windows, { ...opts, gpuMoments }, { backend: new WebGpuBackend(ctx) });
    } catch (e) {
      await popScopes();
      throw new Error(`${String(e)}; WebGPU errors: [${errors.join('; ')}]; buffers over the limits: [${log.overLimit.join(', ')}]`);
    }
  };
  const onGpu = await run(true);
  const gpuProbe = performance.now() - t0;
  const tileLog = Object.fromEntries([...tiles].map(([k, v]) => [k, { buffers: v.length, maxBytes: Math.max(...v) }]));
  t0 = performance.now();
  const onHost = await run(false);
  const hostProbe = performance.now() - t0;
  await popScopes();

  t0 = performance.now();
  const diff = { count: onGpu.tokens === onHost.tokens, shift: 0, sum: 0, second: 0, cross: 0, corr: 0 };
  let diagCorr = 0;
  for (let l = 0; l < cfg.numLayers; l++) {
    const [r] = compare(onHost.ffn[l], onGpu.ffn[l], diff);
    if (r) {
      for (let i = 0; i < cfg.intermediateSize; i++) diagCorr += r[i * cfg.intermediateSize + i] / (cfg.intermediateSize * cfg.numLayers);
    }
  }
  const lim = (o: { maxStorageBufferBindingSize: number; maxBufferSize: number }) => ({ binding: o.maxStorageBufferBindingSize, buffer: o.maxBufferSize });
  const result: ProbeScaleResult = {
    adapter: describeAdapter(ctx.caps),
    config: { hidden: cfg.hiddenSize, intermediate: cfg.intermediateSize, heads: cfg.numHeads, kvHeads: cfg.numKvHeads, headDim: cfg.headDim, layers: cfg.numLayers, vocab: cfg.vocabSize },
    limits: { device: lim(device.limits), adapter: lim(adapter.limits) },
    tokens: onGpu.tokens,
    buffers: log,
    tiles: tileLog,
    matricesPerLayer: c.models - 1 + (c.selfFull ? c.models : 0),
    errors: [...errors],
    diff,
    meanDiagCorr: diagCorr,
    ms: { gpuProbe, hostProbe, compare: performance.now() - t0 },
  };
  ctx.destroy();
  return result;
}

async function main(): Promise<void> {
  const out = document.getElementById('out')!;
  try {
    const r = await runCase(readCase(new URLSearchParams(location.search)));
    window.__probeScale = r;
    out.textContent = JSON.stringify(r, null, 1);
  } catch (e) {
    window.__probeScale = { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    out.textContent = String(e);
  }
}

void main();
