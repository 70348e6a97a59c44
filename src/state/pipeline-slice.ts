/**
 * Pipeline slice: configuration and result summaries of calibration, alignment, CKA and merge.
 * Everything here is plain data returned by the engine (small arrays at demo scale) and is
 * persisted, except the permutation view, which is fetched again on demand.
 */
import type { StateCreator } from 'zustand';
import type {
  AlignmentSummary, BaselineId, BuiltModel, CalibrationSummary, CkaSummary, MergeRequest,
} from '../workers/studio-types';

/** Per-domain calibration choice: built-in text on/off, and the user's own documents. */
export interface DomainChoice {
  name: string;
  builtin: boolean;
  /** Built-in domain of the demo catalog (false: added by the user). */
  catalog: boolean;
  heldOut: boolean;
  /** Text typed or pasted into the box (one document). */
  pasted: string;
  /** Documents from uploaded files. */
  uploaded: string[];
  /** Documents fetched from a file of a Hub dataset. */
  dataset?: DatasetChoice | null;
}

/** A Hub dataset file chosen for a domain and the documents read from it. */
export interface DatasetChoice {
  repo: string;
  /** Commit SHA the file was read at. */
  revision: string;
  path: string;
  /** Text column (jsonl / parquet); null for .txt. */
  column: string | null;
  documents: string[];
  tokens: number;
  /** Tokens counted with the anchor's tokenizer (false: estimated, no sources loaded). */
  exactTokens: boolean;
  /** The whole file was read (false: reading stopped at the token budget). */
  complete: boolean;
}

export interface CalibrationConfig {
  domains: DomainChoice[];
  tokensPerDomain: number;
  seqLen: number;
}

export interface PermutationView {
  model: number;
  layer: number;
  sigma: number[];
  matched: number[];
}

export interface PipelineSlice {
  calibration: CalibrationConfig;
  calibrationSummary: CalibrationSummary | null;
  /** Fraction of matched pairs moved, in [0, 1]. */
  alignPartial: number;
  alignment: AlignmentSummary | null;
  /** Layer and model picked for the histogram and the permutation view. */
  alignPick: { layer: number; model: number };
  permutation: PermutationView | null;
  cka: CkaSummary | null;
  ckaView: { layer: number; which: 'aligned' | 'unaligned' };
  mergeConfig: MergeRequest;
  built: BuiltModel[];
  setCalibration: (c: Partial<CalibrationConfig>) => void;
  setDomain: (name: string, patch: Partial<DomainChoice>) => void;
  /** Add the catalog's domains not listed yet (held-out ones unticked by default). */
  syncCatalogDomains: (domains: { name: string; heldOut: boolean }[]) => void;
  addDomain: (name: string) => void;
  removeDomain: (name: string) => void;
  setCalibrationSummary: (s: CalibrationSummary | null) => void;
  setAlignPartial: (v: number) => void;
  setAlignment: (a: AlignmentSummary | null) => void;
  setAlignPick: (p: Partial<{ layer: number; model: number }>) => void;
  setPermutation: (p: PermutationView | null) => void;
  setCka: (c: CkaSummary | null) => void;
  setCkaView: (v: Partial<{ layer: number; which: 'aligned' | 'unaligned' }>) => void;
  setMergeConfig: (c: Partial<MergeRequest>) => void;
  toggleBaseline: (b: BaselineId, on: boolean) => void;
  setBuilt: (b: BuiltModel[]) => void;
}

function newDomain(name: string, catalog: boolean, heldOut: boolean): DomainChoice {
  return { name, catalog, heldOut, builtin: catalog && !heldOut, pasted: '', uploaded: [] };
}

export const DEFAULT_MERGE: MergeRequest = {
  backbone: { rule: 'symphony', slerpT: 0.5 },
  topK: 2,
  normTopkProb: true,
  routerInit: 'random',
  baselines: ['symphony-shared', 'btx', 'drop-upcycling', 'naive-upcycling'],
  dropRatio: 0.5,
  seed: 0,
};

export const createPipelineSlice: StateCreator<PipelineSlice, [], [], PipelineSlice> = (set) => ({
  calibration: { domains: [], tokensPerDomain: 4096, seqLen: 256 },
  calibrationSummary: null,
  alignPartial: 1,
  alignment: null,
  alignPick: { layer: 0, model: 1 },
  permutation: null,
  cka: null,
  ckaView: { layer: 0, which: 'aligned' },
  mergeConfig: DEFAULT_MERGE,
  built: [],
  setCalibration: (c) => set((s) => ({ calibration: { ...s.calibration, ...c } })),
  setDomain: (name, patch) =>
    set((s) => ({ calibration: { ...s.calibration, domains: s.calibration.domains.map((d) => (d.name === name ? { ...d, ...patch } : d)) } })),
  syncCatalogDomains: (domains) =>
    set((s) => {
      const have = new Set(s.calibration.domains.map((d) => d.name));
      const add = domains.filter((d) => !have.has(d.name)).map((d) => newDomain(d.name, true, d.heldOut));
      return add.length ? { calibration: { ...s.calibration, domains: [...s.calibration.domains, ...add] } } : {};
    }),
  addDomain: (name) =>
    set((s) => (s.calibration.domains.some((d) => d.name === name) ? {} : { calibration: { ...s.calibration, domains: [...s.calibration.domains, newDomain(name, false, false)] } })),
  removeDomain: (name) => set((s) => ({ calibration: { ...s.calibration, domains: s.calibration.domains.filter((d) => d.name !== name) } })),
  setCalibrationSummary: (calibrationSummary) => set({ calibrationSummary }),
  setAlignPartial: (alignPartial) => set({ alignPartial }),
  setAlignment: (alignment) => set({ alignment, permutation: null }),
  setAlignPick: (p) => set((s) => ({ alignPick: { ...s.alignPick, ...p } })),
  setPermutation: (permutation) => set({ permutation }),
  setCka: (cka) => set({ cka }),
  setCkaView: (v) => set((s) => ({ ckaView: { ...s.ckaView, ...v } })),
  setMergeConfig: (c) => set((s) => ({ mergeConfig: { ...s.mergeConfig, ...c } })),
  toggleBaseline: (b, on) =>
    set((s) => {
      const rest = s.mergeConfig.baselines.filter((x) => x !== b);
      return { mergeConfig: { ...s.mergeConfig, baselines: on ? [...rest, b] : rest } };
    }),
  setBuilt: (built) => set({ built }),
});
