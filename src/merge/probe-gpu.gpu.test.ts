// The probe with FFN moments accumulated on the GPU (no readback of h) against the host path,
// both on the WebGPU engine: same moments, same correlation, identical permutations from match.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import { correlationFromMoments } from '../core/stats/correlation';
import type { GpuContext } from '../gpu/context';
import { useNodeGpu } from '../gpu/testing/node-gpu';
import { WebGpuBackend } from '../gpu/webgpu-backend';
import { relatedModel } from './testing/related-model';
import { matchNeurons } from './match';
import { probe } from './probe';

let ctx: GpuContext;

useNodeGpu((c) => {
  ctx = c;
});

describe('probe with GPU moments', () => {
  it('gives the same correlation and identical permutations as the host path (qwen2 fixture)', async () => {
    const { base, other } = await relatedModel(21);
    const rng = new Rng(5);
    const windows = Array.from({ length: 10 }, () => Int32Array.from({ length: 24 }, () => rng.int(base.config.vocabSize)));
    const opts = { anchor: 0, chunkWindows: 4, residual: false, selfFull: true };
    const host = await probe([base, other], windows, opts, { backend: new WebGpuBackend(ctx) });
    const be = new WebGpuBackend(ctx);
    let reads = 0;
    const read = be.read.bind(be);
    be.read = (t) => { reads++; return read(t); };
    const dev = await probe([base, other], windows, { ...opts, gpuMoments: true }, { backend: be });
    // Nothing of [T, I] (nor anything else) is read back during the GPU-moments probe.
    expect(reads).toBe(0);
    expect(dev.tokens).toBe(host.tokens);
    let corrDiff = 0;
    let covDiff = 0;
    for (let l = 0; l < base.config.numLayers; l++) {
      const a = correlationFromMoments(host.ffn[l], 0, 1).corr;
      const b = correlationFromMoments(dev.ffn[l], 0, 1).corr;
      for (let i = 0; i < a.length; i++) corrDiff = Math.max(corrDiff, Math.abs(a[i] - b[i]));
      const ca = host.ffn[l].covariance(1);
      const cb = dev.ffn[l].covariance(1);
      let scale = 0;
      for (let i = 0; i < ca.length; i++) scale = Math.max(scale, Math.abs(ca[i]));
      for (let i = 0; i < ca.length; i++) covDiff = Math.max(covDiff, Math.abs(ca[i] - cb[i]) / scale);
    }
    console.log(`probe on GPU vs host: correlation max |diff| ${corrDiff.toExponential(2)}, covariance max |diff| / max |cov| ${covDiff.toExponential(2)}`);
    expect(corrDiff).toBeLessThan(1e-5);
    expect(covDiff).toBeLessThan(1e-5);
    const mh = await matchNeurons(host, 0);
    const md = await matchNeurons(dev, 0);
    for (let l = 0; l < base.config.numLayers; l++) expect([...md.perms[1][l]!]).toEqual([...mh.perms[1][l]!]);
    expect(mh.layers.some((d) => d.fixedPoints < base.config.intermediateSize)).toBe(true);
  });
});
