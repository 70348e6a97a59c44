/** Shown instead of the workspace when WebGPU is missing: why, and what to do. */
import { useStudio } from '../state/store';

export function NoWebGpu() {
  const err = useStudio((s) => s.gpuError);
  return (
    <main className="no-webgpu" data-testid="no-webgpu" role="alert">
      <h2>This browser cannot give Symphony Studio a GPU</h2>
      <p>
        The studio runs every stage (probing, alignment, training) on your GPU through WebGPU, and
        none is available here.
      </p>
      {err && <p className="error-detail" data-testid="no-webgpu-reason">{err.message}</p>}
      <h3>What to do</h3>
      <ul>
        <li>Use a recent Chrome or Edge (113 or newer) on a machine with a supported GPU.</li>
        <li>
          Open <code>chrome://gpu</code> and check that “WebGPU” says “Hardware accelerated”.
        </li>
        <li>
          On Linux, start Chrome with <code>--enable-unsafe-webgpu</code> (and{' '}
          <code>--enable-features=Vulkan</code> where your driver supports it).
        </li>
        <li>
          No GPU at all? The command-line tool runs the same pipeline on the CPU:{' '}
          <code>npm run cli -- --help</code>.
        </li>
      </ul>
    </main>
  );
}
