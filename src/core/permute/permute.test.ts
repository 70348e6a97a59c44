import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { solveLap } from '../assign/hybrid';
import { invertPermutation } from '../assign/types';
import { MomentAccumulator } from '../stats/moments';
import { correlationFromMoments } from '../stats/correlation';
import { linearCkaFromMoments } from '../stats/cka';
import { parseHfConfig } from '../arch/config';
import { buildArchSpec } from '../arch/spec';
import { applyPermutation, ffnAxes, permuteAxis, permuteSwiGlu, type SwiGluFfn } from './apply';
import { functionPreservation, swigluForward } from './ffn';
import { alignmentDiagnostics, histogram } from './diagnostics';

function randomFfn(H: number, I: number, seed: number, biases = true): SwiGluFfn {
  const rng = new Rng(seed);
  return {
    hidden: H, inter: I,
    gate: rng.normalArray(I * H, 1 / Math.sqrt(H)), up: rng.normalArray(I * H, 1 / Math.sqrt(H)), down: rng.normalArray(H * I, 1 / Math.sqrt(I)),
    gateBias: biases ? rng.normalArray(I, 0.1) : undefined, upBias: biases ? rng.normalArray(I, 0.1) : undefined, downBias: biases ? rng.normalArray(H, 0.1) : undefined,
  };
}

/** FFN-hidden axes of a one-layer llama spec (mlp_bias: gate/up biases in the space). */
function llamaAxes(H: number, I: number, mlpBias: boolean) {
  const cfg = parseHfConfig({ model_type: 'llama', hidden_size: H, intermediate_size: I, num_hidden_layers: 1, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 8, mlp_bias: mlpBias });
  return ffnAxes(buildArchSpec(cfg), 0);
}

describe('permuteAxis / applyPermutation', () => {
  it('moves slices along any axis: out[.., j, ..] = in[.., perm[j], ..]', () => {
    const shape = [2, 3, 4];
    const data = Float32Array.from({ length: 24 }, (_, i) => i);
    const perm = Int32Array.from([2, 0, 1]);
    const out = permuteAxis({ data, shape }, 1, perm);
    for (let a = 0; a < 2; a++) for (let j = 0; j < 3; j++) for (let c = 0; c < 4; c++) {
      expect(out.data[a * 12 + j * 4 + c]).toBe(data[a * 12 + perm[j] * 4 + c]);
    }
    const back = permuteAxis(out, 1, invertPermutation(perm));
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect(() => permuteAxis({ data, shape }, 3, perm)).toThrow(/axis/);
    expect(() => permuteAxis({ data, shape }, 2, perm)).toThrow(/permutation/);
  });

  it('applies bindings, skips missing optional tensors and names missing required ones', () => {
    const t = { w: { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] }, other: { data: new Float32Array(1), shape: [1] } };
    const p = Int32Array.from([1, 0]);
    const out = applyPermutation(t, [{ name: 'w', axis: 1 }, { name: 'b', axis: 0, optional: true }], p);
    expect(Array.from(out.w!.data)).toEqual([2, 1, 4, 3]);
    expect(out.other).toBe(t.other);
    expect(() => applyPermutation(t, [{ name: 'b', axis: 0 }], p)).toThrow(/'b'/);
  });
});

describe('function preservation', () => {
  it('a permuted SwiGLU FFN (with biases) computes the same function', () => {
    const f = randomFfn(16, 40, 1);
    const perm = new Rng(2).permutation(40);
    const r = functionPreservation(f, perm, llamaAxes(16, 40, true), 32, 3);
    expect(r.maxAbsOutput).toBeGreaterThan(0.1);
    expect(r.maxAbsDelta).toBeLessThanOrEqual(1e-5);
    // And a permutation applied only to gate (a broken spec) is caught.
    const broken = { ...f, gate: permuteAxis({ data: f.gate, shape: [40, 16] }, 0, perm).data };
    const x = new Rng(3).normalArray(32 * 16);
    const y0 = swigluForward(f, x, 32).y;
    const y1 = swigluForward(broken, x, 32).y;
    expect(Math.max(...y0.map((v, i) => Math.abs(v - y1[i])))).toBeGreaterThan(1e-2);
  });

  it('the axes come from the spec: biases only with mlp_bias, and a bias the spec lacks is refused', () => {
    const withBias = llamaAxes(16, 40, true);
    expect(withBias.map((a) => `${a.field}:${a.axis}`)).toEqual(['gate:0', 'up:0', 'down:1', 'gateBias:0', 'upBias:0']);
    expect(llamaAxes(16, 40, false).map((a) => a.field)).toEqual(['gate', 'up', 'down']);
    const f = randomFfn(16, 40, 4);
    const perm = new Rng(5).permutation(40);
    // The FFN has gate/up biases but the spec (no mlp_bias) does not place them: refused.
    expect(() => permuteSwiGlu(f, perm, llamaAxes(16, 40, false))).toThrow(/gateBias.*mlp_bias/);
    // The spec lists biases the FFN lacks: named.
    expect(() => permuteSwiGlu({ ...f, gateBias: undefined }, perm, withBias)).toThrow(/'gateBias'/);
    // down's bias lives in the residual space: untouched.
    expect(permuteSwiGlu(f, perm, withBias).downBias).toBe(f.downBias);
    // A spec without 'up' in the space leaves up alone, and the function changes: the axis set
    // is the spec's, not a fixed list.
    const noUp = withBias.filter((a) => a.field !== 'up' && a.field !== 'upBias');
    const biasless = { ...f, upBias: undefined };
    expect(functionPreservation(biasless, perm, noUp, 8, 6).maxAbsDelta).toBeGreaterThan(1e-2);
  });
});

describe('alignment end to end: activations -> moments -> correlation -> LAP -> permute', () => {
  it('recovers a hidden permutation of a noisy copy of the anchor exactly', () => {
    const H = 24;
    const I = 96;
    const T = 1200;
    const anchor = randomFfn(H, I, 10, false);
    const pi = new Rng(11).permutation(I);
    const axes = llamaAxes(H, I, false);
    const noisy = permuteSwiGlu(anchor, pi, axes);
    const rng = new Rng(12);
    for (const k of ['gate', 'up', 'down'] as const) for (let q = 0; q < noisy[k].length; q++) noisy[k][q] += 0.01 * rng.normal();
    const x = new Rng(13).normalArray(T * H);
    const ha = swigluForward(anchor, x, T).h;
    const he = swigluForward(noisy, x, T).h;
    const m = new MomentAccumulator([I, I], { pairs: [[0, 1]] });
    for (let t0 = 0; t0 < T; t0 += 256) {
      const t1 = Math.min(T, t0 + 256);
      m.add([ha.subarray(t0 * I, t1 * I), he.subarray(t0 * I, t1 * I)], t1 - t0);
    }
    const { corr } = correlationFromMoments(m, 0, 1);
    const lap = solveLap(corr, I, { method: 'hybrid' });
    expect(lap.certificate.ok).toBe(true);
    // Expert neuron j is anchor neuron pi[j], so anchor row pi[j] matches column j.
    expect(Array.from(lap.rowToCol)).toEqual(Array.from(invertPermutation(pi)));

    const d = alignmentDiagnostics(corr, I, lap.rowToCol, { anchor, expert: noisy, axes });
    expect(d.meanAfter).toBeGreaterThan(0.99);
    expect(d.meanBefore).toBeLessThan(0.3);
    expect(d.weightCosineAfter!).toBeGreaterThan(0.99);
    expect(d.weightCosineBefore!).toBeLessThan(0.2);
    expect(d.histogramAfter.counts.reduce((a, b) => a + b, 0)).toBe(I);
    expect(d.histogramAfter.counts[19]).toBeGreaterThan(0.9 * I);

    // Aligning does not change what the expert computes, nor its CKA with the anchor.
    const aligned = permuteSwiGlu(noisy, lap.rowToCol, axes);
    expect(functionPreservation(noisy, lap.rowToCol, axes).maxAbsDelta).toBeLessThanOrEqual(1e-5);
    const hAligned = swigluForward(aligned, x, T).h;
    const m2 = new MomentAccumulator([I, I, I], { pairs: [[0, 1], [0, 2]] });
    m2.add([ha, he, hAligned], T);
    expect(linearCkaFromMoments(m2, 0, 2)).toBeCloseTo(linearCkaFromMoments(m2, 0, 1), 6);
  });

  it('diagnostics of the identity: before equals after, all fixed points', () => {
    const n = 5;
    const corr = Float32Array.from({ length: 25 }, (_, q) => (q % 6 === 0 ? 0.5 : 0.1));
    const id = Int32Array.from([0, 1, 2, 3, 4]);
    const d = alignmentDiagnostics(corr, n, id);
    expect(d.meanAfter).toBe(d.meanBefore);
    expect(d.fixedPointFraction).toBe(1);
    expect(histogram([-1, 1, 0.05], 4).counts).toEqual([1, 0, 1, 1]);
  });
});
