/** UI slice: which stage panel is open, and the guided tour's state. */
import type { StateCreator } from 'zustand';
import type { StageId } from './stages';

export interface UiSlice {
  activeStage: StageId;
  setActiveStage: (id: StageId) => void;
  /** Guided tour: open or not, and the step shown (the last step is the findings page). */
  tourOpen: boolean;
  tourStep: number;
  setTour: (open: boolean, step?: number) => void;
}

export const createUiSlice: StateCreator<UiSlice, [], [], UiSlice> = (set) => ({
  activeStage: 'sources',
  setActiveStage: (activeStage) => set({ activeStage }),
  tourOpen: false,
  tourStep: 0,
  setTour: (tourOpen, step) => set((s) => ({ tourOpen, tourStep: step ?? s.tourStep })),
});
