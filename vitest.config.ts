// Two Vitest projects: `unit` (pure Node, CPU reference and everything else) and `gpu-node`
// (kernels on WebGPU in Node through the npm `webgpu` package, Dawn on SwiftShader).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/**/*.gpu.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'gpu-node',
          include: ['src/**/*.gpu.test.ts'],
          environment: 'node',
          setupFiles: ['src/gpu/testing/node-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
