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
import { accumulatePipeline } from './accumulate';
import { adamwPipeline } from './adamw';
import { attentionGradKvPipeline, attentionGradQPipeline, attentionTrainPipeline } from './attentionTrain';
import { colsumPipeline } from './colsum';
import { embeddingGradPipeline } from './embeddingGrad';
import { gateGradPipeline } from './gateGrad';
import { rmsnormGradPipeline } from './rmsnormGrad';
import { routerGradPipeline } from './routerGrad';
import { swigluGradPipeline } from './swigluGrad';
import { transposePipeline } from './transpose';
import { xentGradPipeline } from './xentGrad';

export * as elementwise from './elementwise';
export { matmul } from './matmul';
export { reduceRows } from './reduce';
export { rmsnorm } from './rmsnorm';
export { softmaxRows } from './softmax';

/** Training kernels (backward passes, optimiser); they record synchronously, so compile them first. */
export const TRAIN_PIPELINES: PipelineKey[] = [
  accumulatePipeline, transposePipeline, colsumPipeline, xentGradPipeline, rmsnormGradPipeline, attentionTrainPipeline,
  attentionGradQPipeline, attentionGradKvPipeline, swigluGradPipeline, gateGradPipeline, routerGradPipeline,
  embeddingGradPipeline, adamwPipeline,
];

export const ALL_PIPELINES: PipelineKey[] = [
  ...MATMUL_PIPELINES, ...ELEMENTWISE_PIPELINES, softmaxPipeline, rmsnormPipeline, ...REDUCE_PIPELINES,
  // Transformer engine kernels (src/gpu/webgpu-backend.ts).
  ropePipeline, attentionPipeline, gatherPipeline, scatterAddPipeline, rowScalePipeline, xentPipeline,
  ...TRAIN_PIPELINES,
  // Decoding one token: matvec projections and the fused SwiGLU.
  matmulPipeline(true, 'matvec', 1), swigluPipeline,
];
