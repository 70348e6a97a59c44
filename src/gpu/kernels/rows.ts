/**
 * Row kernels around experts and embeddings: gather (y[i] = x[ids[i]]), weighted scatter-add
 * (acc[dst[i]] += w[i] * src[srcIds[i] or i]; destination rows distinct per call) and the
 * sigmoid row gate (y[r] = x[r] * sigmoid(s[r])). Index tensors hold u32 ids. The *Plan
 * functions build the dispatch without recording it (synchronous callers).
 * Shaders: shaders/gather.wgsl, scatter_add.wgsl, row_scale.wgsl. Reference: src/core/ref/moe.ts.
 */
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type Dispatch, type GpuContext, type Plan } from '../context';
import type { PipelineKey } from '../pipelines';

const WG = 256;
export const gatherPipeline: PipelineKey = { shader: 'gather', constants: { WG } };
export const scatterAddPipeline: PipelineKey = { shader: 'scatter_add', constants: { WG } };
export const rowScalePipeline: PipelineKey = { shader: 'row_scale', constants: { WG } };

const grid = (ctx: GpuContext, n: number): [number, number] => grid2d(Math.ceil(n / WG), ctx.device.limits.maxComputeWorkgroupsPerDimension);

/** Null dispatch when n = 0 (nothing to record). */
export function gatherPlan(ctx: GpuContext, x: GpuTensor, ids: GpuTensor, n: number): { dispatch: Dispatch | null; out: GpuTensor } {
  const cols = x.shape[x.shape.length - 1];
  const y = ctx.tensor([n, cols], 'gather.out');
  if (n === 0) return { dispatch: null, out: y };
  return {
    out: y,
    dispatch: {
      label: 'gather', pipeline: gatherPipeline, bindings: [x.buffer, ids.buffer, y.buffer],
      uniforms: params([{ u: n }, { u: cols }, { u: 0 }, { u: 0 }]), workgroups: grid(ctx, n * cols),
    },
  };
}

export async function gatherRows(ctx: GpuContext, batch: Batch, x: GpuTensor, ids: GpuTensor, n: number): Promise<GpuTensor> {
  const p = gatherPlan(ctx, x, ids, n);
  if (p.dispatch) await batch.add(p.dispatch);
  return p.out;
}

export function scatterAddDispatch(ctx: GpuContext, acc: GpuTensor, src: GpuTensor, dst: GpuTensor, w: GpuTensor, n: number, srcIds?: GpuTensor): Dispatch {
  const cols = acc.shape[acc.shape.length - 1];
  return {
    label: 'scatter_add', pipeline: scatterAddPipeline,
    bindings: [acc.buffer, src.buffer, dst.buffer, w.buffer, (srcIds ?? dst).buffer],
    uniforms: params([{ u: n }, { u: cols }, { u: srcIds ? 1 : 0 }, { u: 0 }]), workgroups: grid(ctx, n * cols),
  };
}

export async function scatterAddRows(
  ctx: GpuContext, batch: Batch, acc: GpuTensor, src: GpuTensor, dst: GpuTensor, w: GpuTensor, n: number, srcIds?: GpuTensor,
): Promise<void> {
  if (n === 0) return;
  await batch.add(scatterAddDispatch(ctx, acc, src, dst, w, n, srcIds));
}

export function mulSigmoidRowsPlan(ctx: GpuContext, x: GpuTensor, s: GpuTensor): Plan {
  const cols = x.shape[x.shape.length - 1];
  const y = ctx.tensor(x.shape, 'row_scale.out');
  return {
    out: y,
    dispatch: {
      label: 'row_scale', pipeline: rowScalePipeline, bindings: [x.buffer, s.buffer, y.buffer],
      uniforms: params([{ u: x.numel / cols }, { u: cols }, { u: 0 }, { u: 0 }]), workgroups: grid(ctx, x.numel),
    },
  };
}

export async function mulSigmoidRows(ctx: GpuContext, batch: Batch, x: GpuTensor, s: GpuTensor): Promise<GpuTensor> {
  const p = mulSigmoidRowsPlan(ctx, x, s);
  await batch.add(p.dispatch);
  return p.out;
}
