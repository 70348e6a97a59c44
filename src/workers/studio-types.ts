/**
 * Serialisable types of the studio workflow, shared by the engine worker (which computes them)
 * and the UI (which renders them). No GPU handles, no weights: small arrays and numbers only.
 */
import type { MergeReport } from '../core/arch/mergeability';
import type { LoadEvent } from '../io/progress';

export type SourceKind = 'demo' | 'hub' | 'local';

export interface SourceRef {
  kind: SourceKind;
  /** Hub model ID or huggingface.co URL, `demo/<name>`, or a local folder name. */
  id: string;
  revision?: string;
  /** Custom Hub endpoint (a local mirror). */
  hubUrl?: string;
  /** Access token, held in worker memory only for this load; never echoed back. */
  token?: string;
  /** Local files (File objects from a picker or a drop). */
  files?: File[];
}

export interface SourceSummary {
  id: string;
  kind: SourceKind;
  revision: string;
  modelType: string;
  parameters: number;
  tensorBytes: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  vocabSize: number;
  /** The domain this source is the expert for, when known (demo manifest or user choice). */
  domain: string | null;
  description: string | null;
}

export interface LoadProgress {
  source: string;
  event: LoadEvent;
}

export interface DemoCatalog {
  models: { id: string; domain: string; description: string; origin: 'base' | 'branched' | 'independent' }[];
  /** Built-in calibration / evaluation text per domain. */
  domains: { name: string; heldOut: boolean; trainDocs: number; validationDocs: number }[];
}

export interface CalibrationRequest {
  domains: { name: string; documents?: string[]; builtin?: boolean }[];
  tokensPerDomain: number;
  seqLen: number;
}

/** A Hub dataset for a calibration domain: the ID or huggingface.co/datasets URL, the endpoint and token. */
export interface DatasetFilesRequest {
  ref: string;
  hubUrl?: string;
  token?: string;
}

export interface DatasetListing {
  repo: string;
  /** Commit SHA. */
  revision: string;
  files: { path: string; size: number; format: 'txt' | 'jsonl' | 'parquet' }[];
  /** The file a pasted URL named. */
  path?: string;
}

export interface DatasetDocumentsRequest {
  repo: string;
  revision: string;
  path: string;
  size: number;
  /** Text column of a .jsonl / .parquet file (default "text"). */
  column?: string;
  /** Reading stops once this many tokens are collected (the domain's tokens per domain). */
  tokenBudget: number;
  hubUrl?: string;
  token?: string;
}

export interface DatasetDocuments {
  documents: string[];
  tokens: number;
  /** Counted with the anchor's tokenizer (false: about 4 characters per token, no sources loaded). */
  exactTokens: boolean;
  /** String columns found in the file. */
  columns: string[];
  complete: boolean;
  skipped: number;
}

export interface CalibrationSummary {
  seqLen: number;
  windows: number;
  domains: { name: string; tokens: number; available: number }[];
  contentHash: string;
}

export interface LayerAlignmentSummary {
  layer: number;
  model: number;
  meanCorrBefore: number;
  meanCorrAfter: number;
  fixedPoints: number;
  /** Matched correlations after alignment, 20 bins over [-1, 1]. */
  histogram: number[];
  /** Identity-pair correlations before alignment, same bins. */
  histogramBefore?: number[];
  /** Cosine between the anchor's and this model's FFN weights, before and after permuting. */
  weightCosineBefore?: number | null;
  weightCosineAfter?: number | null;
  deadAnchor: number;
  deadModel: number;
  certified: boolean;
  ms: number;
}

export interface AlignmentSummary {
  anchor: number;
  tokens: number;
  layers: LayerAlignmentSummary[];
  /** Width of the FFN (permutation length). */
  width: number;
  /** Max |delta logits| of the MoE with vs without alignment (separate experts): ~1e-6. */
  functionPreservation: number;
  /** The same divided by the largest |logit| (f32 rounding is relative): ~1e-7. */
  functionPreservationRelative?: number;
}

export interface CkaSummary {
  /** Expert labels in expert order. */
  experts: string[];
  /** [layer] -> E x E row-major, for the aligned and the unaligned MoE. */
  aligned: number[][];
  unaligned: number[][];
  /** Max |aligned - unaligned| over all cells. */
  maxDifference: number;
  /** (N * L) x (N * L) residual-stream CKA; stream = model * L + layer. */
  layers: number[];
  models: string[];
  numLayers: number;
}

export type BaselineId = 'symphony' | 'symphony-shared' | 'btx' | 'drop-upcycling' | 'naive-upcycling';

export interface MergeRequest {
  backbone: { rule: 'symphony' | 'linear' | 'anchor'; slerpT: number };
  topK: number;
  normTopkProb: boolean;
  routerInit: 'random' | 'centroids';
  /** Models to build alongside; 'symphony' is always built. */
  baselines: BaselineId[];
  dropRatio: number;
  seed: number;
}

export interface BuiltModel {
  id: string;
  label: string;
  kind: BaselineId | 'source';
  experts: number;
  topK: number;
  parameters: number;
  trained: boolean;
}

/**
 * Where the trainer runs: 'auto' takes WebGPU (f32) on a hardware adapter and the CPU (f64
 * reference) on a software one (there the CPU trainer is faster), 'webgpu' forces the GPU.
 */
export type TrainDevice = 'auto' | 'webgpu' | 'cpu';

export interface TrainRequest {
  model: string;
  /** Default 'auto'. */
  device?: TrainDevice;
  scope: 'router' | 'router+experts' | 'all';
  steps: number;
  lr: number;
  batchTokens: number;
  seqLen: number;
  balanceCoef: number;
  warmupSteps: number;
  seed: number;
  /** Write the trainer state to the stage cache every this many steps (default 5; also on pause and at the end). */
  checkpointEvery?: number;
  /** Start over from the merged weights even when a run of the same request is live. */
  fresh?: boolean;
}

export interface TrainStep {
  step: number;
  /** Where the trainer runs, in words. */
  device?: string;
  /** Set when the last trainer checkpoint could not be cached: a reload will not resume the run. */
  checkpointWarning?: string;
  lmLoss: number;
  auxLoss: number;
  gradNorm: number;
  lr: number;
  tokensPerSec: number;
  /** [layer][expert] share of routed slots in this step. */
  expertLoad: number[][];
  routerEntropy: number;
}

export interface TrainSummary {
  model: string;
  steps: number;
  /** The balanced value of the aux loss (top_k), for the reference line. */
  balancedAux: number;
  /** Where the trainer ran, in words (e.g. "WebGPU (f32) on ..."). */
  device?: string;
  /** Set when the last checkpoint could not be cached (a reload will not resume from it). */
  checkpointWarning?: string;
  history: TrainStep[];
  heldOutLossBefore: number;
  heldOutLossAfter: number;
}

export interface EvalRow {
  model: string;
  label: string;
  perplexity: { domain: string; heldOut: boolean; perplexity: number; tokens: number }[];
  /** routing[layer][domain][expert] share; null for dense models. */
  routing: number[][][] | null;
}

export interface TokenRouting {
  tokens: string[];
  /** [layer][token] -> chosen experts (top-k), and their weights. */
  experts: number[][][];
  weights: number[][][];
}

export type { MergeReport };

export type RestoreStage = 'calibration' | 'alignment' | 'cka' | 'merge' | 'train' | 'evaluate';

/** What the UI shows as done, for a fresh engine to restore from its stage cache. */
export interface RestoreRequest {
  calibration: CalibrationRequest | null;
  alignPartial: number | null;
  cka: boolean;
  merge: MergeRequest | null;
  /** A trained model is expected (its checkpoint missing is reported). */
  train: boolean;
  evaluate: boolean;
}

export interface RestoreResult {
  /** Per requested stage: restored from the cache, not cached (run it again), or dropped as stale (with why). */
  stages: { stage: RestoreStage; status: 'restored' | 'missing' | 'stale'; message?: string }[];
  built: BuiltModel[];
  training: { model: string; summary: TrainSummary; totalSteps: number; finished: boolean }[];
}

export interface StageCacheReport {
  persistent: boolean;
  bytes: number;
  limitBytes: number;
  entries: { stage: string; count: number; bytes: number }[];
}

/** Who generates in the playground: our engine, or onnxruntime-web on the ONNX export (wasm or WebGPU). */
export type PlaygroundRuntime = 'engine' | 'ort-wasm' | 'ort-webgpu';

/** Where an export goes: a folder the user picked (File System Access API), or one ZIP. */
export type ExportTarget = { kind: 'folder'; dir: FileSystemDirectoryHandle } | { kind: 'zip' };

/** What an export wrote: `folder` (the subfolder's name) or `zip` (the archive to save). */
export interface ExportResult {
  name: string;
  files: number;
  bytes: number;
  folder?: string;
  zip?: Blob;
}
