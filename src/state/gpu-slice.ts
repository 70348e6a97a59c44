/** GPU status slice: what the header shows. Serialisable only; the device lives in the worker. */
import type { StateCreator } from 'zustand';
import type { CapabilityReport } from '../gpu/capabilities';

export type GpuStatus = 'idle' | 'acquiring' | 'ready' | 'unavailable' | 'lost';

export interface GpuSlice {
  gpuStatus: GpuStatus;
  caps: CapabilityReport | null;
  gpuError: { code: string; message: string } | null;
  setGpu: (status: GpuStatus, caps?: CapabilityReport | null, error?: { code: string; message: string } | null) => void;
}

export const createGpuSlice: StateCreator<GpuSlice, [], [], GpuSlice> = (set) => ({
  gpuStatus: 'idle',
  caps: null,
  gpuError: null,
  setGpu: (gpuStatus, caps = null, gpuError = null) => set({ gpuStatus, caps, gpuError }),
});
