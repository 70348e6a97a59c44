/**
 * Typed WebGPU errors, each with the fix in its message. Registered so that they keep their
 * class when they cross the engine worker's boundary.
 */
import { StudioError, registerError } from '../core/errors';

export class WebGpuUnavailableError extends StudioError {
  override readonly code = 'WEBGPU_UNAVAILABLE';
}
registerError('WEBGPU_UNAVAILABLE', WebGpuUnavailableError);

export class LimitExceededError extends StudioError {
  override readonly code = 'LIMIT_EXCEEDED';
}
registerError('LIMIT_EXCEEDED', LimitExceededError);

export class DeviceLostError extends StudioError {
  override readonly code = 'DEVICE_LOST';
}
registerError('DEVICE_LOST', DeviceLostError);

export class ShaderCompilationError extends StudioError {
  override readonly code = 'SHADER_COMPILATION';
}
registerError('SHADER_COMPILATION', ShaderCompilationError);

export class GpuValidationError extends StudioError {
  override readonly code = 'GPU_VALIDATION';
}
registerError('GPU_VALIDATION', GpuValidationError);

export const WEBGPU_HELP =
  'Use a recent Chrome or Edge (version 113 or newer) on a machine with a supported GPU; check ' +
  'chrome://gpu for "WebGPU: Hardware accelerated". On Linux, start Chrome with ' +
  '--enable-unsafe-webgpu (and --enable-features=Vulkan where your driver supports it). ' +
  'Without WebGPU, the command-line tool (npm run cli) runs the same pipeline on the CPU.';
