// Forward tokens/s of our WebGPU engine against onnxruntime-web (webgpu, wasm) on the same ONNX
// export: the implementation lives in e2e/pages/onnx-forward-bench.ts (type-checked with the
// e2e pages); this entry lets the bench harness register it as bench/forward-ort.
export { forwardOrtBenchmarks, syntheticMoe } from '../e2e/pages/onnx-forward-bench.ts';
