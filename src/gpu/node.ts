/**
 * WebGPU in Node through the npm `webgpu` package (Dawn). Used by the CLI and the gpu-node
 * tests; never imported by the browser bundle. Backend choice (ENVIRONMENT.md):
 *   SYMPHONY_NODE_GPU=vulkan (default): Vulkan; with no system driver, Chromium's SwiftShader ICD.
 *   SYMPHONY_NODE_GPU=opengles: Mesa llvmpipe through EGL, compatibility feature level (faster on CPUs).
 */
import { existsSync } from 'node:fs';
import { acquireGpu } from './device';
import type { GpuContext } from './context';

const SWIFTSHADER_ICD = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];

let gpuHandle: GPU | null = null;

export async function nodeGpu(): Promise<{ gpu: GPU; featureLevel: 'core' | 'compatibility' }> {
  const backend = process.env.SYMPHONY_NODE_GPU ?? 'vulkan';
  if (backend === 'vulkan' && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    const icd = SWIFTSHADER_ICD.find((p) => existsSync(p));
    if (icd && !existsSync('/usr/share/vulkan/icd.d/nvidia_icd.json')) process.env.VK_ICD_FILENAMES = icd;
  }
  if (backend === 'opengles') process.env.EGL_PLATFORM ??= 'surfaceless';
  const mod = await import('webgpu');
  Object.assign(globalThis, mod.globals);
  gpuHandle ??= mod.create(backend === 'opengles' ? ['backend=opengles'] : []);
  return { gpu: gpuHandle, featureLevel: backend === 'opengles' ? 'compatibility' : 'core' };
}

/** Acquire a GpuContext in Node. */
export async function acquireNodeGpu(): Promise<GpuContext> {
  const { gpu, featureLevel } = await nodeGpu();
  return acquireGpu({ gpu, featureLevel, label: 'symphony-node' });
}

/** Drop the Dawn instance so that Node can exit. */
export function releaseNodeGpu(): void {
  gpuHandle = null;
}
