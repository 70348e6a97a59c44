/**
 * onnxruntime-web for the playground, loaded on first use inside the engine worker: the webgpu
 * build (JSEP, asyncify wasm) or the plain wasm build, with their wasm files served by the app
 * (Vite `?url` assets), single-threaded (no cross-origin isolation needed).
 */
import type * as Ort from 'onnxruntime-web';
import webgpuWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import webgpuMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import plainWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import type { OrtLoader, OrtProvider } from './session/ort-playground';

const loaded = new Map<OrtProvider, Promise<typeof Ort>>();

export const browserOrt: OrtLoader = (provider) => {
  let p = loaded.get(provider);
  if (!p) {
    p = (async () => {
      const ort = (provider === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as typeof Ort;
      const [wasm, mjs] = provider === 'webgpu' ? [webgpuWasm, webgpuMjs] : [plainWasm, plainMjs];
      ort.env.wasm.wasmPaths = { wasm: new URL(wasm, self.location.href).href, mjs: new URL(mjs, self.location.href).href };
      ort.env.wasm.numThreads = 1;
      ort.env.logLevel = 'error';
      return ort;
    })();
    loaded.set(provider, p);
    p.catch(() => loaded.delete(provider));
  }
  return p;
};
