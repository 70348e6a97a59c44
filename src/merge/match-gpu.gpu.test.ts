// The match stage with a WebGPU backend (correlation, best-k and the certificate's dense filter
// on the GPU; sparse auction / repair and the exact re-check on the host) against the CPU
// backend, on the qwen2 engine fixture and a related model (permuted, perturbed FFNs).
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../core/cpu-backend';
import { Rng } from '../core/rng';
import type { GpuContext } from '../gpu/context';
import { useNodeGpu } from '../gpu/testing/node-gpu';
import { WebGpuBackend } from '../gpu/webgpu-backend';
import { relatedModel } from './testing/related-model';
import { matchNeurons, type MatchResult } from './match';
import { probe } from './probe';

let ctx: GpuContext;

useNodeGpu((c) => {
  ctx = c;
});

const windows = (vocab: number): Int32Array[] => {
  const rng = new Rng(9);
  return Array.from({ length: 10 }, () => Int32Array.from({ length: 24 }, () => rng.int(vocab)));
};

function expectSame(gpu: MatchResult, cpu: MatchResult, layers: number): void {
  for (let l = 0; l < layers; l++) expect([...gpu.perms[1][l]!]).toEqual([...cpu.perms[1][l]!]);
  for (let q = 0; q < cpu.layers.length; q++) {
    expect(gpu.layers[q].certified).toBe(true);
    expect(gpu.layers[q].certifier).toMatch(/^gpu: /);
    expect(cpu.layers[q].certifier).toBe('host');
    expect(Math.abs(gpu.layers[q].objective - cpu.layers[q].objective)).toBeLessThanOrEqual(1e-9 * Math.abs(cpu.layers[q].objective));
  }
}

describe('match stage on a WebGPU backend', () => {
  it('gives the permutations of the CPU backend from the same probe (correlation uploaded once)', async () => {
    const { base, other } = await relatedModel(31);
    const L = base.config.numLayers;
    const pr = await probe([base, other], windows(base.config.vocabSize), { anchor: 0, residual: false }, { backend: new CpuBackend() });
    const cpu = await matchNeurons(pr, 0, {}, { backend: new CpuBackend() });
    const gpu = await matchNeurons(pr, 0, {}, { backend: new WebGpuBackend(ctx) });
    expectSame(gpu, cpu, L);
    // Something to find: the related model's neurons are shuffled.
    expect(cpu.layers.every((d) => d.fixedPoints < 0.5)).toBe(true);
  });

  it('a probe that keeps its GPU moments is matched from them, with the permutations of the CPU engine', async () => {
    const { base, other } = await relatedModel(32);
    const L = base.config.numLayers;
    const w = windows(base.config.vocabSize);
    const cpuProbe = await probe([base, other], w, { anchor: 0, residual: false }, { backend: new CpuBackend() });
    const cpu = await matchNeurons(cpuProbe, 0, {}, { backend: new CpuBackend() });
    const be = new WebGpuBackend(ctx);
    const gpuProbe = await probe([base, other], w, { anchor: 0, residual: false, gpuMoments: true, keepGpuMoments: true }, { backend: be });
    expect(gpuProbe.gpuFfn).toBeDefined();
    try {
      const gpu = await matchNeurons(gpuProbe, 0, { partial: 1 }, { backend: be });
      for (let l = 0; l < L; l++) expect([...gpu.perms[1][l]!]).toEqual([...cpu.perms[1][l]!]);
      for (const d of gpu.layers) {
        expect(d.certified).toBe(true);
        expect(d.certifier).toMatch(/^gpu: /);
      }
    } finally {
      gpuProbe.gpuFfn!.dispose();
    }
    await expect(gpuProbe.gpuFfn!.correlation(0, 0, 1)).rejects.toThrow(/disposed/);
  });
});
