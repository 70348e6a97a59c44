/**
 * The capability report: a serialisable summary of the adapter and device that the UI header,
 * the benchmarks and error messages show. Holds no GPU handle.
 */

export interface CapabilityReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader, llvmpipe): everything works, slowly. */
  isFallbackAdapter: boolean;
  featureLevel: 'core' | 'compatibility';
  features: string[];
  limits: Record<string, number>;
}

/** navigator.gpu where the page or worker has one (pure check; importable by the UI). */
export function getNavigatorGpu(): GPU | undefined {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav && 'gpu' in nav ? nav.gpu : undefined;
}

/** The limits worth showing to a user, in display order. */
export const KEY_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

const SOFTWARE_HINTS = ['swiftshader', 'llvmpipe', 'lavapipe', 'software', 'microsoft basic render'];

export function looksSoftware(info: { vendor: string; architecture: string; device: string; description: string }): boolean {
  const s = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return SOFTWARE_HINTS.some((h) => s.includes(h));
}

export function limitsToRecord(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  // GPUSupportedLimits keeps its fields on the prototype, so walk it rather than Object.keys.
  for (let proto: object | null = limits; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const v = (limits as unknown as Record<string, unknown>)[key];
      if (typeof v === 'number' && !(key in out)) out[key] = v;
    }
  }
  return out;
}

export function buildCapabilityReport(
  adapter: GPUAdapter,
  device: GPUDevice,
  featureLevel: 'core' | 'compatibility',
): CapabilityReport {
  const info = adapter.info;
  const base = {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
  const fallbackFlag = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter;
  return {
    ...base,
    isFallbackAdapter: Boolean(fallbackFlag) || looksSoftware(base),
    featureLevel,
    features: [...device.features].map(String).sort(),
    limits: limitsToRecord(device.limits),
  };
}

/** One line for logs and benchmark tables. */
export function describeAdapter(r: CapabilityReport): string {
  const name = [r.vendor, r.architecture, r.device || r.description].filter(Boolean).join(' ');
  return `${name || 'unknown adapter'}${r.isFallbackAdapter ? ' (software)' : ''}`;
}
