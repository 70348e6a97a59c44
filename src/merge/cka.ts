/**
 * CKA stage (METHOD.md section 5): per layer, the expert x expert linear CKA of the experts'
 * outputs on the same tokens (every expert run on every token of the merged MoE), and the
 * model x model, layer x layer CKA of the residual streams from the probe. Computed from
 * moments; the expert matrices of an aligned and an unaligned MoE are identical (a permutation
 * of an expert's neurons does not change its output), which the studio shows side by side.
 */
import type { BackendTensor } from '../core/backend';
import { throwIfAborted } from '../core/errors';
import { ckaMatrix } from '../core/stats/cka';
import { MomentAccumulator } from '../core/stats/moments';
import { Transformer } from '../model/transformer';
import type { WeightProvider } from '../model/weights';
import type { StageContext } from './context';
import type { ProbeResult } from './probe';

/** [layer] -> E x E row-major CKA of the experts' outputs. */
export async function expertCka<T extends BackendTensor>(
  moe: WeightProvider, windows: readonly Int32Array[], ctx: StageContext<T>, chunkWindows = 8,
): Promise<Float64Array[]> {
  const cfg = moe.config;
  const E = cfg.moe?.numExperts ?? 0;
  const L = cfg.numLayers;
  const H = cfg.hiddenSize;
  const pairs: [number, number][] = [];
  for (let a = 0; a < E; a++) for (let b = a + 1; b < E; b++) pairs.push([a, b]);
  const acc = Array.from({ length: L }, () => new MomentAccumulator(Array<number>(E).fill(H), { pairs, selfFull: true }));
  const model = new Transformer(ctx.backend, moe);
  for (let c = 0; c < windows.length; c += chunkWindows) {
    throwIfAborted(ctx.signal);
    const batch = windows.slice(c, c + chunkWindows);
    const T = batch.reduce((s, w) => s + w.length, 0);
    const ys: Float32Array[][] = Array.from({ length: L }, () => new Array<Float32Array>(E));
    const r = await model.hidden(batch, {
      signal: ctx.signal,
      taps: { expertOutput: async ({ layer, expert, y }) => void (ys[layer][expert] = await ctx.backend.read(y)) },
    });
    ctx.backend.release(r.hidden);
    for (let l = 0; l < L; l++) acc[l].add(ys[l], T);
    ctx.progress?.({ stage: 'cka', done: Math.min(windows.length, c + chunkWindows), total: windows.length });
  }
  model.dispose();
  return acc.map((a) => ckaMatrix(a, Array.from({ length: E }, (_, e) => e)));
}

/** (N * L) x (N * L) CKA of residual streams; stream index = model * L + layer. */
export function layerCka(probe: ProbeResult): Float64Array | null {
  const r = probe.residual;
  if (!r) return null;
  return ckaMatrix(r, r.dims.map((_, i) => i));
}
