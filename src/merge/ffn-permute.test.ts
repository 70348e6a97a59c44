// Neuron permutations driven by the architecture spec on every dense engine fixture (qwen2,
// llama, mistral): the axes are the spec's FFN-hidden space, the FFN block computes the same
// output after permuting, and so does the whole model; llama's mlp_bias biases move with it.
import { describe, expect, it } from 'vitest';
import { parseHfConfig } from '../core/arch/config';
import { buildArchSpec, ffnSpace, tensorsInSpace } from '../core/arch/spec';
import { CpuBackend } from '../core/cpu-backend';
import { ffnAxes } from '../core/permute/apply';
import { swigluForward } from '../core/permute/ffn';
import { Rng } from '../core/rng';
import { loadFixture } from '../model/testing/fixtures';
import { Transformer } from '../model/transformer';
import { MemoryWeights, type HostTensor } from '../model/weights';
import { loadFfn, modelArchSpec, permuteFfn, type HostFfn } from './ffn-permute';

const swiglu = (f: HostFfn) => ({
  hidden: f.gate.shape[1], inter: f.gate.shape[0], gate: f.gate.data, up: f.up.data, down: f.down.data,
  gateBias: f.gateBias?.data, upBias: f.upBias?.data, downBias: f.downBias?.data,
});

/** max |FFN(x) - FFN'(x)| / max |FFN(x)| over seeded inputs. */
function blockDelta(a: HostFfn, b: HostFfn, seed: number): { delta: number; scale: number } {
  const T = 12;
  const x = new Rng(seed).normalArray(T * a.gate.shape[1]);
  const ya = swigluForward(swiglu(a), x, T).y;
  const yb = swigluForward(swiglu(b), x, T).y;
  let delta = 0;
  let scale = 0;
  for (let i = 0; i < ya.length; i++) {
    delta = Math.max(delta, Math.abs(ya[i] - yb[i]));
    scale = Math.max(scale, Math.abs(ya[i]));
  }
  return { delta, scale };
}

describe('permutations through the architecture spec', () => {
  for (const name of ['qwen2', 'llama', 'mistral'] as const) {
    it(`${name}: the spec's FFN axes, a preserved block output and unchanged logits`, async () => {
      const fx = loadFixture(name);
      const spec = buildArchSpec(parseHfConfig(fx.rawConfig, name));
      const cfg = fx.config;
      const w = await fx.weights.toMemory();
      const m = new Map<string, HostTensor>(w.tensors);
      for (let l = 0; l < cfg.numLayers; l++) {
        const axes = ffnAxes(spec, l);
        // The axis set is exactly what the spec lists in the layer's FFN-hidden space ...
        expect(axes.map((a) => [a.name, a.axis])).toEqual(tensorsInSpace(spec, ffnSpace(l)).map((a) => [a.name, a.axis]));
        expect(axes.map((a) => `${a.field}:${a.axis}`)).toEqual(['gate:0', 'up:0', 'down:1']);
        // ... and the engine-config spec the pipeline uses agrees with the checkpoint's.
        expect(ffnAxes(modelArchSpec(cfg), l)).toEqual(axes);
        const f = await loadFfn(w, spec, l);
        const sigma = new Rng(70 + l).permutation(cfg.intermediateSize);
        const p = permuteFfn(spec, l, f, sigma);
        expect(p.gate.data).not.toEqual(f.gate.data);
        const { delta, scale } = blockDelta(f, p, l + 1);
        expect(scale).toBeGreaterThan(1e-3);
        expect(delta).toBeLessThanOrEqual(1e-6 * scale);
        for (const a of axes) m.set(a.name, p[a.field]!);
      }
      // The whole model with every FFN permuted gives the same logits.
      const be = new CpuBackend();
      const ids = Int32Array.from([1, 5, 9, 17, 33, 64, 2]);
      const before = (await new Transformer(be, w).logits(ids)).logits;
      const after = (await new Transformer(be, new MemoryWeights(cfg, m)).logits(ids)).logits;
      let d = 0;
      let s = 0;
      for (let i = 0; i < before.length; i++) {
        d = Math.max(d, Math.abs(before[i] - after[i]));
        s = Math.max(s, Math.abs(before[i]));
      }
      expect(d).toBeLessThanOrEqual(1e-5 * Math.max(1, s));
    });
  }

  it('llama with mlp_bias: gate/up biases are permuted with their rows, down bias stays', () => {
    const fx = loadFixture('llama');
    const spec = buildArchSpec(parseHfConfig({ ...fx.rawConfig, mlp_bias: true }, 'llama+bias'));
    const axes = ffnAxes(spec, 1);
    expect(axes.map((a) => `${a.field}:${a.axis}`)).toEqual(['gate:0', 'up:0', 'down:1', 'gateBias:0', 'upBias:0']);
    const { hiddenSize: H, intermediateSize: I } = fx.config;
    const rng = new Rng(3);
    const t = (shape: number[]): HostTensor => ({ data: rng.normalArray(shape[0] * (shape[1] ?? 1), 0.3), shape });
    const f: HostFfn = { gate: t([I, H]), up: t([I, H]), down: t([H, I]), gateBias: t([I]), upBias: t([I]), downBias: t([H]) };
    const sigma = new Rng(4).permutation(I);
    const p = permuteFfn(spec, 1, f, sigma);
    for (let j = 0; j < I; j++) {
      expect(p.gateBias!.data[j]).toBe(f.gateBias!.data[sigma[j]]);
      expect(p.upBias!.data[j]).toBe(f.upBias!.data[sigma[j]]);
    }
    expect(p.downBias!.data).toBe(f.downBias!.data);
    const { delta, scale } = blockDelta(f, p, 9);
    expect(delta).toBeLessThanOrEqual(1e-6 * scale);
    // The same FFN under the bias-free spec is refused: its biases would not move.
    expect(() => permuteFfn(buildArchSpec(parseHfConfig(fx.rawConfig, 'llama')), 1, f, sigma)).toThrow(/mlp_bias/);
  });
});
