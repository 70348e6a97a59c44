/**
 * The engine worker's request kinds: params, result and progress event types. The worker owns
 * the GPUDevice and every weight; the UI only ever sees these serialisable types
 * (studio-types.ts).
 */
import type { CapabilityReport } from '../gpu/capabilities';
import type { KernelResult } from '../gpu/testing/kernel-suite';
import type {
  AlignmentSummary, BuiltModel, CalibrationRequest, CalibrationSummary, CkaSummary, DatasetDocuments, DatasetDocumentsRequest,
  DatasetFilesRequest, DatasetListing, DemoCatalog, EvalRow,
  LoadProgress, MergeReport, MergeRequest, PlaygroundRuntime, RestoreRequest, RestoreResult, SourceRef, SourceSummary,
  StageCacheReport, TokenRouting, TrainRequest, TrainStep, TrainSummary, ExportResult, ExportTarget,
} from './studio-types';

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

  /** The built-in demo models and corpora. */
  demoCatalog: { params: Record<string, never>; result: DemoCatalog; progress: never };
  /** Load (or reload) the sources; returns their summaries and the mergeability report. */
  loadSources: { params: { refs: SourceRef[] }; result: { sources: SourceSummary[]; report: MergeReport }; progress: LoadProgress };
  /** Anchor, expert order (source indices) and the domain of each source. */
  setRoles: { params: { anchor: number; experts: number[]; domains: (string | null)[] }; result: null; progress: never };
  /** The .txt / .jsonl / .parquet files of a Hub dataset. */
  datasetFiles: { params: DatasetFilesRequest; result: DatasetListing; progress: never };
  /** The documents of one dataset file, read until the token budget is met; progress in row groups or bytes. */
  datasetDocuments: { params: DatasetDocumentsRequest; result: DatasetDocuments; progress: ProgressEvent };
  calibrate: { params: CalibrationRequest; result: CalibrationSummary; progress: ProgressEvent };
  /** Probe + exact assignment per layer and model, with diagnostics. */
  align: { params: { partial: number }; result: AlignmentSummary; progress: ProgressEvent };
  /** One layer's permutation (sigma[j] = old neuron at new position j) and matched correlations. */
  permutation: { params: { model: number; layer: number }; result: { sigma: number[]; matched: number[] }; progress: never };
  cka: { params: Record<string, never>; result: CkaSummary; progress: ProgressEvent };
  merge: { params: MergeRequest; result: BuiltModel[]; progress: ProgressEvent };
  /** Router fine-tuning. Aborting pauses; calling again for the same model resumes. */
  train: { params: TrainRequest; result: TrainSummary; progress: TrainStep };
  /** End a run: keep the steps done (the summary) or discard it (null; the model is untrained again). */
  stopTraining: { params: { model: string; keep: boolean }; result: TrainSummary | null; progress: never };
  /** A fresh engine (after a reload): restore the finished stages from the stage cache. */
  restore: { params: RestoreRequest; result: RestoreResult; progress: ProgressEvent };
  /** The stage cache (IndexedDB): what it holds, and clearing it. */
  stageCacheInfo: { params: Record<string, never>; result: StageCacheReport; progress: never };
  clearStageCache: { params: Record<string, never>; result: StageCacheReport; progress: never };
  /** Per-domain perplexity on up to `tokensPerDomain` validation tokens (default 512) per domain. */
  evaluate: { params: { models: string[]; heldOut: boolean; tokensPerDomain?: number }; result: EvalRow[]; progress: ProgressEvent };
  routeText: { params: { model: string; text: string }; result: TokenRouting; progress: never };
  generate: {
    params: { model: string; prompt: string; maxNewTokens: number; greedy: boolean; temperature: number; seed: number; runtime?: PlaygroundRuntime };
    /** device: where our engine ran (absent for onnxruntime-web). */
    result: { text: string; device?: string };
    progress: { text: string };
  };
  /**
   * Export a built model, streamed: into a subfolder of a folder the user picked (its handle
   * crosses to the worker), or into one ZIP (disk-backed where the browser has the origin-private
   * file system) returned as a Blob for the UI to save. Absent target: ZIP.
   */
  exportModel: {
    params: { model: string; dtype: 'f32' | 'bf16'; format: 'hf' | 'onnx'; target?: ExportTarget };
    result: ExportResult;
    progress: ProgressEvent;
  };
  /** Bytes held by the download cache, and clearing it. */
  cacheInfo: { params: Record<string, never>; result: { bytes: number; available: boolean }; progress: never };
  clearCache: { params: Record<string, never>; result: { bytes: number; available: boolean }; progress: never };
}
