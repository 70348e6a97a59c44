/**
 * Results slice: router training (configuration, live history, summaries per model), evaluation
 * (perplexity and routing rows, token routing, generated text) and export settings.
 */
import type { StateCreator } from 'zustand';
import type { EvalRow, PlaygroundRuntime, TokenRouting, TrainRequest, TrainStep, TrainSummary } from '../workers/studio-types';

export interface ExportConfig {
  model: string;
  dtype: 'f32' | 'bf16';
  format: 'hf' | 'onnx';
  /** Where it goes: a folder the user picks (where the browser can), or a ZIP to save. */
  saveTo?: 'folder' | 'zip';
}

export interface ResultsSlice {
  trainConfig: TrainRequest;
  /** Steps of the current (or last) run of trainConfig.model, streamed as progress. */
  trainHistory: TrainStep[];
  /** The model whose steps trainHistory holds. */
  trainHistoryModel: string | null;
  /** Paused: aborted by the user, resumable by calling train again. */
  trainPaused: boolean;
  trainSummaries: Record<string, TrainSummary>;
  evalRows: EvalRow[];
  evalHeldOut: boolean;
  routeModel: string;
  routeText: string;
  tokenRouting: TokenRouting | null;
  playground: { model: string; prompt: string; maxNewTokens: number; greedy: boolean; temperature: number; seed: number; output: string; runtime?: PlaygroundRuntime; outputRuntime?: PlaygroundRuntime; outputDevice?: string };
  exportConfig: ExportConfig;
  lastExport: { name: string; bytes: number; savedAs: string } | null;
  setTrainConfig: (c: Partial<TrainRequest>) => void;
  pushTrainStep: (model: string, s: TrainStep) => void;
  resetTrainHistory: (model: string) => void;
  setTrainPaused: (p: boolean) => void;
  setTrainSummary: (s: TrainSummary) => void;
  setEval: (rows: EvalRow[]) => void;
  setEvalHeldOut: (v: boolean) => void;
  setRouteInput: (p: Partial<{ routeModel: string; routeText: string }>) => void;
  setTokenRouting: (r: TokenRouting | null) => void;
  setPlayground: (p: Partial<ResultsSlice['playground']>) => void;
  setExportConfig: (c: Partial<ExportConfig>) => void;
  setLastExport: (e: ResultsSlice['lastExport']) => void;
}

export const DEFAULT_TRAIN: TrainRequest = {
  model: '',
  scope: 'router',
  steps: 200,
  lr: 1e-3,
  batchTokens: 2048,
  seqLen: 128,
  balanceCoef: 0.01,
  warmupSteps: 10,
  seed: 0,
  checkpointEvery: 5,
};

export const createResultsSlice: StateCreator<ResultsSlice, [], [], ResultsSlice> = (set) => ({
  trainConfig: DEFAULT_TRAIN,
  trainHistory: [],
  trainHistoryModel: null,
  trainPaused: false,
  trainSummaries: {},
  evalRows: [],
  evalHeldOut: true,
  routeModel: '',
  routeText: 'def fibonacci(n):\n    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)\nThe integral of x squared is x cubed over three.',
  tokenRouting: null,
  playground: { model: '', prompt: 'Once upon a time', maxNewTokens: 48, greedy: true, temperature: 0.8, seed: 0, output: '', runtime: 'engine' },
  exportConfig: { model: '', dtype: 'f32', format: 'hf' },
  lastExport: null,
  setTrainConfig: (c) => set((s) => ({ trainConfig: { ...s.trainConfig, ...c } })),
  pushTrainStep: (model, step) =>
    set((s) => {
      const prev = s.trainHistoryModel === model ? s.trainHistory : [];
      // A resumed run may repeat the step it was paused at: keep one entry per step.
      const kept = prev.length && prev[prev.length - 1].step >= step.step ? prev.filter((p) => p.step < step.step) : prev;
      return { trainHistory: [...kept, step], trainHistoryModel: model };
    }),
  resetTrainHistory: (model) => set({ trainHistory: [], trainHistoryModel: model, trainPaused: false }),
  setTrainPaused: (trainPaused) => set({ trainPaused }),
  setTrainSummary: (summary) => set((s) => ({ trainSummaries: { ...s.trainSummaries, [summary.model]: summary } })),
  setEval: (evalRows) => set({ evalRows }),
  setEvalHeldOut: (evalHeldOut) => set({ evalHeldOut }),
  setRouteInput: (p) => set(p),
  setTokenRouting: (tokenRouting) => set({ tokenRouting }),
  setPlayground: (p) => set((s) => ({ playground: { ...s.playground, ...p } })),
  setExportConfig: (c) => set((s) => ({ exportConfig: { ...s.exportConfig, ...c } })),
  setLastExport: (lastExport) => set({ lastExport }),
});
