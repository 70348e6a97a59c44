/**
 * The studio's working state inside the engine worker: loaded sources, roles, calibration,
 * alignment, built models and trainer states. Everything here may hold weights and backend
 * tensors; only summaries cross to the UI.
 */
import type { BackendTensor, ComputeBackend } from '../../core/backend';
import type { TrainBackend } from '../../core/train/train-backend';
import { InvalidArgumentError } from '../../core/errors';
import type { StudioTokenizer } from '../../core/tokenizer/tokenizer';
import type { VocabUnion } from '../../core/tokenizer/vocab-union';
import type { ChunkCache } from '../../io/cache';
import type { Checkpoint } from '../../io/checkpoint';
import type { CalibrationSet } from '../../merge/calibrate';
import type { MatchResult } from '../../merge/match';
import type { WeightProvider } from '../../model/weights';
import type { AlignmentSummary, BuiltModel, CkaSummary, EvalRow, MergeRequest, SourceSummary, TrainDevice, TrainRequest, TrainSummary } from '../studio-types';
import type { DemoAssets } from './assets';
import type { StageCache } from './stage-cache';
import type { OrtLoader } from './ort-playground';

export interface LoadedSource {
  summary: SourceSummary;
  checkpoint: Checkpoint;
  weights: WeightProvider;
  tokenizer: StudioTokenizer;
}

export interface ModelEntry {
  built: BuiltModel;
  weights: WeightProvider;
  /** Router weights [E, H] per layer (merged models), as built (before training). */
  routers?: Float32Array[];
  /** The weights as built (merged models): training starts from them, discarding returns to them. */
  untrained?: WeightProvider;
  /** For sources: their index, so that token ids can be mapped to their vocabulary. */
  sourceIndex?: number;
}

/** A training backend and where it runs, in words. */
export interface TrainDeviceChoice {
  backend: TrainBackend<BackendTensor>;
  label: string;
}

export interface SessionDeps<T extends BackendTensor = BackendTensor> {
  backend: () => Promise<ComputeBackend<T>>;
  /**
   * Where evaluation, token routing and the playground run our engine, in words (absent:
   * `backend`). The engine worker picks the WebAssembly SIMD CPU backend on a software adapter.
   */
  inference?: () => Promise<{ backend: ComputeBackend<T>; label: string }>;
  /** The trainer's backend for a device choice (absent: the CPU f64 reference backend only). */
  trainBackend?: (device: TrainDevice) => Promise<TrainDeviceChoice>;
  demo: DemoAssets;
  /** Byte-range cache for Hub downloads (the browser's Cache API in the worker). */
  cache?: ChunkCache;
  /** Finished stages by content key (IndexedDB in the worker), restored after a reload. */
  stages?: StageCache;
  /** onnxruntime-web for the playground's ONNX runtimes (absent: only our engine generates). */
  ort?: OrtLoader;
}

/** Content keys of the current stages' outputs (null: not computed, or no stage cache). */
export interface StageKeys {
  sources: string | null;
  calibration: string | null;
  alignment: string | null;
  merge: string | null;
}

export class StudioSession<T extends BackendTensor = BackendTensor> {
  sources: LoadedSource[] = [];
  anchor = 0;
  experts: number[] = [];
  domains: (string | null)[] = [];
  vocab: VocabUnion | null = null;
  calibration: CalibrationSet | null = null;
  calibrationDomains: string[] = [];
  /** Residual-stream CKA of every (model, layer) pair from the alignment's probe, or null. */
  layerCka: Float64Array | null = null;
  match: MatchResult | null = null;
  alignment: AlignmentSummary | null = null;
  cka: CkaSummary | null = null;
  models = new Map<string, ModelEntry>();
  evaluations: EvalRow[] = [];
  training = new Map<string, TrainSummary>();
  /** The requests that produced the current alignment, models and trainings (for the recipe). */
  alignPartial = 1;
  mergeRequest: MergeRequest | null = null;
  trainRequests = new Map<string, TrainRequest>();
  keys: StageKeys = { sources: null, calibration: null, alignment: null, merge: null };

  constructor(readonly deps: SessionDeps<T>) {}

  requireSources(): LoadedSource[] {
    if (this.sources.length === 0) throw new InvalidArgumentError('Load the sources first (Sources stage).');
    return this.sources;
  }

  requireCalibration(): CalibrationSet {
    if (!this.calibration) throw new InvalidArgumentError('Run the calibration first (Calibration stage).');
    return this.calibration;
  }

  requireMatch(): MatchResult {
    if (!this.match) throw new InvalidArgumentError('Run the alignment first (Alignment stage).');
    return this.match;
  }

  /** The backend evaluation, routing and generation run on, and its name in words. */
  async inference(): Promise<{ backend: ComputeBackend<T>; label: string }> {
    if (this.deps.inference) return await this.deps.inference();
    const backend = await this.deps.backend();
    return { backend, label: backend.name };
  }

  requireModel(id: string): ModelEntry {
    const m = this.models.get(id);
    if (!m) throw new InvalidArgumentError(`There is no model "${id}". Build it in the Merge stage first.`);
    return m;
  }

  /** Forget everything computed from the sources (a new load or new roles). */
  resetDerived(from: 'calibration' | 'alignment' | 'models'): void {
    if (from === 'calibration') {
      this.calibration = null;
      this.calibrationDomains = [];
      this.keys.calibration = null;
    }
    this.keys.merge = null;
    if (from !== 'models') {
      this.keys.alignment = null;
      this.layerCka = null;
      this.match = null;
      this.alignment = null;
      this.cka = null;
    }
    for (const [id, m] of this.models) if (m.built.kind !== 'source') this.models.delete(id);
  }
}
