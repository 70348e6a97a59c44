/**
 * Device acquisition. Requests the adapter's real limits (the defaults are far lower: 128 MiB
 * storage bindings instead of the adapter's 1-4 GiB) and the optional features the kernels can
 * use. Works on navigator.gpu in the browser and on the npm `webgpu` package's GPU in Node.
 */
import { WebGpuUnavailableError, WEBGPU_HELP } from './errors';
import { GpuContext } from './context';
import { getNavigatorGpu } from './capabilities';

/** Features the kernels use when present; none is required. */
export const OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups', 'shader-f16'];

export interface AcquireOptions {
  /** The GPU entry point; defaults to navigator.gpu. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /** 'compatibility' for OpenGL ES adapters (llvmpipe); 'core' otherwise. */
  featureLevel?: 'core' | 'compatibility';
  label?: string;
  /** Request at most these limits (e.g. WebGPU's default 128 MiB bindings), even where the
   * adapter offers more: tests run the code on a smaller device than the machine's. */
  capLimits?: Partial<Record<(typeof LIMITS_TO_REQUEST)[number], number>>;
}

export async function acquireGpu(opts: AcquireOptions = {}): Promise<GpuContext> {
  const gpu = opts.gpu ?? getNavigatorGpu();
  if (!gpu) {
    throw new WebGpuUnavailableError(`This browser does not expose WebGPU (navigator.gpu is missing). ${WEBGPU_HELP}`);
  }
  const featureLevel = opts.featureLevel ?? 'core';
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance', featureLevel });
  } catch (e) {
    throw new WebGpuUnavailableError(`requestAdapter() failed: ${String(e)}. ${WEBGPU_HELP}`);
  }
  if (!adapter) {
    throw new WebGpuUnavailableError(`WebGPU is present but no GPU adapter is available (it may be disabled or blocklisted). ${WEBGPU_HELP}`);
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const key of LIMITS_TO_REQUEST) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') requiredLimits[key] = Math.min(v, opts.capLimits?.[key] ?? Infinity);
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ label: opts.label ?? 'symphony-device', requiredFeatures, requiredLimits });
  } catch (e) {
    throw new WebGpuUnavailableError(`requestDevice() failed: ${String(e)}. ${WEBGPU_HELP}`);
  }
  return new GpuContext(adapter, device, featureLevel);
}

/** The limits that matter for compute; each is requested at the adapter's maximum. */
const LIMITS_TO_REQUEST = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxUniformBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxBindGroups',
  'maxBindingsPerBindGroup',
] as const;
