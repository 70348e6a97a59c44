/**
 * The context every pipeline stage receives: the compute backend, cancellation, progress and a
 * logger. Stages are functions (input, ctx) -> output (DESIGN.md).
 */
import type { BackendTensor, ComputeBackend } from '../core/backend';

export interface StageProgress {
  stage: string;
  done: number;
  total: number;
  message?: string;
}

export interface StageContext<T extends BackendTensor = BackendTensor> {
  backend: ComputeBackend<T>;
  signal?: AbortSignal;
  progress?: (p: StageProgress) => void;
  log?: (msg: string) => void;
}
