/** All kernels, and the list of pipelines to compile ahead of use. */
import type { PipelineKey } from '../pipelines';
import { ELEMENTWISE_PIPELINES } from './elementwise';
import { MATMUL_PIPELINES, matmulPipeline, swigluPipeline } from './matmul';
import { REDUCE_PIPELINES } from './reduce';
import { rmsnormPipeline } from './rmsnorm';
import { softmaxPipeline } from './softmax';
import { attentionPipeline } from './attention';
import { ropePipeline } from './rope';
import { gatherPipeline, rowScalePipeline, scatterAddPipeline } from './rows';
import { xentPipeline } from './xent';

export * as elementwise from './elementwise';
export { matmul } from './matmul';
export { reduceRows } from './reduce';
export { rmsnorm } from './rmsnorm';
export { softmaxRows } from './softmax';

export const ALL_PIPELINES: PipelineKey[] = [
  ...MATMUL_PIPELINES, ...ELEMENTWISE_PIPELINES, softmaxPipeline, rmsnormPipeline, ...REDUCE_PIPELINES,
  // Transformer engine kernels (src/gpu/webgpu-backend.ts).
  ropePipeline, attentionPipeline, gatherPipeline, scatterAddPipeline, rowScalePipeline, xentPipeline,
  // Decoding one token: matvec projections and the fused SwiGLU.
  matmulPipeline(true, 'matvec', 1), swigluPipeline,
];
