/**
 * The UI's single engine connection. The worker (and its GPUDevice) is created once per page,
 * outside React state, and its capability report is copied into the store.
 */
import { StudioError } from '../core/errors';
import { WEBGPU_HELP } from '../gpu/errors';
import { getNavigatorGpu } from '../gpu/capabilities';
import { useStudio } from '../state/store';
import { startEngineWorker, type EngineClient } from '../workers/client';

let client: EngineClient | null = null;

export function engine(): EngineClient {
  client ??= startEngineWorker();
  return client;
}

/** Acquire the GPU in the worker and publish the result to the store. */
export async function initEngine(): Promise<void> {
  const { setGpu } = useStudio.getState();
  if (!getNavigatorGpu()) {
    setGpu('unavailable', null, {
      code: 'WEBGPU_UNAVAILABLE',
      message: `This browser does not expose WebGPU (navigator.gpu is missing). ${WEBGPU_HELP}`,
    });
    return;
  }
  setGpu('acquiring');
  try {
    const caps = await engine().call('init', {});
    setGpu('ready', caps);
  } catch (e) {
    const err = e instanceof StudioError ? e : new StudioError(String(e));
    setGpu(err.code === 'DEVICE_LOST' ? 'lost' : 'unavailable', null, { code: err.code, message: err.message });
  }
}
