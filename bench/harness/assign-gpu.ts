/**
 * Assignment rows of the GPU-fed path: the same certified hybrid solver with its two dense passes
 * on WebGPU (best-k candidates and the certificate's f32 filter, src/gpu/correlation.ts; sparse
 * auction / repair and the exact f64 re-check of flagged rows on the host: solveLapAsync), the
 * way the match stage runs it on a WebGPU backend. Peer: scipy's linear_sum_assignment on the
 * same seeded matrix (subprocess, after ours). Figure: wall ms from the matrix resident on the
 * GPU to the certified result (the upload is a bench artefact, reported in details only).
 * In Node the adapter is whatever Dawn finds; without a GPU that is SwiftShader, a CPU emulation
 * of a GPU, and the row name says so: such a row measures no GPU (and runs at the smallest size).
 */
import { findPython, runScipyPeer, type PythonProbe } from '../assign.bench.mjs';
import { makeMatrix, permutationChecksum, solveLapAsync, type MatrixKind } from '../../src/core/assign';
import { describeAdapter } from '../../src/gpu/capabilities';
import type { GpuContext } from '../../src/gpu/context';
import { GpuCorrelation } from '../../src/gpu/correlation';
import type { Benchmark, Measurement } from './registry';

const SEED = 7;
const none = new Int32Array(0);

async function solveOnGpu(ctx: GpuContext, c: Float32Array, n: number) {
  const tu = performance.now();
  const g = GpuCorrelation.fromHost(ctx, { corr: c, rows: n, cols: n, deadRows: none, deadCols: none });
  await ctx.read(g.blocks[g.blocks.length - 1].tensor, 1);
  const uploadMs = performance.now() - tu;
  try {
    const t0 = performance.now();
    const candidates = await g.bestK(12);
    const bestKMs = performance.now() - t0;
    const certifier = g.certifier();
    const res = await solveLapAsync(c, n, { method: 'hybrid', candidates, certifier });
    return { res, ms: performance.now() - t0, uploadMs, bestKMs, flagged: certifier.flagged, passes: certifier.passes };
  } finally {
    g.release();
  }
}

export function assignGpuBenchmarks(ctx: GpuContext, sizes: number[], kinds: string[]): Benchmark[] {
  const software = ctx.caps.isFallbackAdapter;
  const on = `on ${describeAdapter(ctx.caps)}${software ? ', a CPU emulation: no GPU measured' : ''}`;
  let py: PythonProbe | null = null;
  let warmed = false;
  // A software adapter runs the dense passes 5-10x slower than the host (n = 2048: seconds per
  // pass), so there only the smallest size runs: it shows the path works, not how fast a GPU is.
  const run = software ? sizes.filter((n) => n === Math.min(...sizes)) : sizes;
  return run.flatMap((n) =>
    kinds.map((kind): Benchmark => ({
      name: `assign gpu-fed ${kind} n=${n} ${on}`,
      unit: 'ms',
      async run(): Promise<Measurement> {
        py ??= findPython();
        if (!warmed) {
          // JIT and pipelines warm on a small problem of the same kind.
          await solveOnGpu(ctx, makeMatrix(kind as MatrixKind, 512, SEED + 1), 512);
          warmed = true;
        }
        const c = makeMatrix(kind as MatrixKind, n, SEED);
        const r = await solveOnGpu(ctx, c, n);
        if (!r.res.certificate.ok) throw new Error(`gpu-fed ${kind} n=${n}: not certified optimal`);
        const { scipy, skipped } = runScipyPeer(py, kind, n, SEED);
        if (scipy && Math.abs(r.res.objective - scipy.objective) > 1e-9 * Math.abs(scipy.objective)) {
          throw new Error(`gpu-fed ${kind} n=${n}: our optimum ${r.res.objective} differs from scipy's ${scipy.objective}`);
        }
        const note = scipy
          ? `GPU passes ${on}; wall ms from the matrix on the GPU to the certified result; equal optima`
          : `peer skipped: ${skipped ?? 'unknown reason'}`;
        return {
          ours: r.ms, peer: scipy?.ms ?? null, peerName: py.python ? `scipy ${py.scipy} linear_sum_assignment` : 'scipy linear_sum_assignment', note,
          details: {
            adapter: describeAdapter(ctx.caps), software, upload_ms: r.uploadMs, best_k_ms: r.bestKMs, certificate_rounds: r.res.stats.certificateRounds,
            rows_rechecked_on_host: r.flagged, row_checks_total: n * r.passes, same_permutation: scipy ? scipy.checksum === permutationChecksum(r.res.rowToCol) : null,
            phases_ms: JSON.stringify(r.res.stats.ms),
          },
        };
      },
    })),
  );
}
