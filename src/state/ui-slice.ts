/** UI slice: which stage panel is open. */
import type { StateCreator } from 'zustand';
import type { StageId } from './stages';

export interface UiSlice {
  activeStage: StageId;
  setActiveStage: (id: StageId) => void;
}

export const createUiSlice: StateCreator<UiSlice, [], [], UiSlice> = (set) => ({
  activeStage: 'sources',
  setActiveStage: (activeStage) => set({ activeStage }),
});
