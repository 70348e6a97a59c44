/**
 * The studio's zustand store, composed of slices. Only serialisable, render-relevant data lives
 * here: no GPU objects, no weights (DESIGN.md).
 */
import { create } from 'zustand';
import { createGpuSlice, type GpuSlice } from './gpu-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

export type StudioState = GpuSlice & UiSlice;

export const useStudio = create<StudioState>()((...a) => ({
  ...createGpuSlice(...a),
  ...createUiSlice(...a),
}));
