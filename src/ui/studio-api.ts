/**
 * The studio's engine requests, typed. These kinds are being added to EngineApi
 * (src/workers/protocol.ts); until then this module declares the same signatures so that the
 * panels type-check, and calls of kinds the worker does not serve yet reject with
 * "Unknown engine request", which the panels show inline. Once protocol.ts has them all, the
 * declarations below can go and `studio()` can return `engine()` unchanged.
 */
import type { RpcClient } from '../workers/rpc';
import type { EngineApi, ProgressEvent } from '../workers/protocol';
import type {
  AlignmentSummary, BuiltModel, CalibrationRequest, CalibrationSummary, CkaSummary, DemoCatalog, EvalRow,
  LoadProgress, MergeReport, MergeRequest, SourceRef, SourceSummary, TokenRouting, TrainRequest, TrainStep,
  TrainSummary,
} from '../workers/studio-types';
import { engine } from './engine';

type Empty = Record<string, never>;

export interface GenerateParams {
  model: string;
  prompt: string;
  maxNewTokens: number;
  greedy: boolean;
  temperature: number;
  seed: number;
}

export interface StudioApi {
  demoCatalog: { params: Empty; result: DemoCatalog; progress: never };
  loadSources: { params: { refs: SourceRef[] }; result: { sources: SourceSummary[]; report: MergeReport }; progress: LoadProgress };
  setRoles: { params: { anchor: number; experts: number[]; domains: (string | null)[] }; result: null; progress: never };
  calibrate: { params: CalibrationRequest; result: CalibrationSummary; progress: ProgressEvent };
  align: { params: { partial: number }; result: AlignmentSummary; progress: ProgressEvent };
  permutation: { params: { model: number; layer: number }; result: { sigma: number[]; matched: number[] }; progress: never };
  cka: { params: Empty; result: CkaSummary; progress: ProgressEvent };
  merge: { params: MergeRequest; result: BuiltModel[]; progress: ProgressEvent };
  train: { params: TrainRequest; result: TrainSummary; progress: TrainStep };
  evaluate: { params: { models: string[]; heldOut: boolean }; result: EvalRow[]; progress: ProgressEvent };
  routeText: { params: { model: string; text: string }; result: TokenRouting; progress: never };
  generate: { params: GenerateParams; result: { text: string }; progress: { text: string } };
  exportModel: {
    params: { model: string; dtype: 'f32' | 'bf16'; format: 'hf' | 'onnx' };
    result: { name: string; zip: ArrayBuffer };
    progress: ProgressEvent;
  };
}

export type StudioClient = RpcClient<EngineApi & StudioApi>;

/** The engine connection, with the studio's request kinds. */
export function studio(): StudioClient {
  return engine();
}
