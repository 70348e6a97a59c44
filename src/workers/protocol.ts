/**
 * The engine worker's request kinds: params, result and progress event types. The worker owns
 * the GPUDevice; the UI only ever sees these serialisable types.
 */
import type { CapabilityReport } from '../gpu/capabilities';
import type { KernelResult } from '../gpu/testing/kernel-suite';

export interface ProgressEvent {
  stage: string;
  done: number;
  total: number;
  message?: string;
}

export interface EngineApi {
  /** Acquire the GPU (idempotent) and report its capabilities. */
  init: { params: { featureLevel?: 'core' | 'compatibility' }; result: CapabilityReport; progress: never };
  /** Run the GPU-vs-reference kernel suite on this adapter. */
  kernelSuite: { params: { filter?: string }; result: KernelResult[]; progress: ProgressEvent };
  /** Sleep in steps, reporting progress (used to test cancellation end to end). */
  ping: { params: { steps: number; ms: number }; result: number; progress: ProgressEvent };
}
