// Vitest setup for the gpu-node project: installs the WebGPU globals before any test runs.
import { nodeGpu } from '../node';

await nodeGpu();
