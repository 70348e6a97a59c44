/**
 * Reductions over the last axis of [rows, cols] -> [rows]: sum, mean, max, sum of squares.
 * Shader: shaders/reduce.wgsl. Reference: src/core/ref/reduce.ts.
 */
import { REDUCE_OPS, type ReduceOp } from '../../core/ref/reduce';
import type { GpuTensor } from '../buffers';
import { grid2d, params, type Batch, type Dispatch, type GpuContext, type Plan } from '../context';
import type { PipelineKey } from '../pipelines';
import { ROW_WG, rowsCols } from './rowshape';

export const reducePipeline = (op: ReduceOp): PipelineKey => ({
  shader: 'reduce', constants: { WG: ROW_WG, OP: REDUCE_OPS.indexOf(op) },
});

export async function reduceRows(
  ctx: GpuContext, batch: Batch, op: ReduceOp, x: GpuTensor, out?: GpuTensor,
): Promise<GpuTensor> {
  const p = reducePlan(ctx, op, x, out);
  await batch.add(p.dispatch);
  return p.out;
}

export function reducePlan(ctx: GpuContext, op: ReduceOp, x: GpuTensor, out?: GpuTensor): Plan {
  const [rows, cols] = rowsCols(x);
  const y = out ?? ctx.tensor(x.shape.length > 1 ? x.shape.slice(0, -1) : [1], `reduce.${op}.out`);
  const dispatch: Dispatch = {
    label: `reduce.${op}`, pipeline: reducePipeline(op), bindings: [x.buffer, y.buffer],
    uniforms: params([{ u: rows }, { u: cols }, { u: 0 }, { u: 0 }]),
    workgroups: grid2d(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  };
  return { dispatch, out: y };
}

export const REDUCE_PIPELINES: PipelineKey[] = REDUCE_OPS.map(reducePipeline);
