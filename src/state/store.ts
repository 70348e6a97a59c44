/**
 * The studio's zustand store, composed of slices. Only serialisable, render-relevant data lives
 * here: no GPU objects, no weights, no File objects (DESIGN.md). Configuration and results are
 * persisted (persist.ts).
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { createGpuSlice, type GpuSlice } from './gpu-slice';
import { persistOptions } from './persist';
import { createPipelineSlice, type PipelineSlice } from './pipeline-slice';
import { createResultsSlice, type ResultsSlice } from './results-slice';
import { createRunSlice, type RunSlice } from './run-slice';
import { createSourcesSlice, type SourcesSlice } from './sources-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

export type StudioState = GpuSlice & UiSlice & RunSlice & SourcesSlice & PipelineSlice & ResultsSlice;

export const useStudio = create<StudioState>()(
  persist(
    (set, get, api) => ({
      ...createGpuSlice(set, get, api),
      ...createUiSlice(set, get, api),
      ...createRunSlice(set, get, api),
      ...createSourcesSlice(set, get, api),
      ...createPipelineSlice(set, get, api),
      ...createResultsSlice(set, get, api),
    }),
    persistOptions,
  ),
);
