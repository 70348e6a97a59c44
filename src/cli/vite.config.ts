// Vite config of the CLI bundle: an SSR (Node) build of src/cli/entry.ts into dist-cli/, so that
// the WGSL imports (import.meta.glob ?raw in src/gpu/shaders.ts) are inlined exactly as in the
// app. npm packages stay external (the `webgpu` package ships a native binary). See
// docs/decisions/0002-cli-build.md.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  logLevel: 'warn',
  publicDir: false,
  build: {
    ssr: 'src/cli/entry.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: { output: { entryFileNames: 'symphony.mjs', format: 'es' } },
  },
  ssr: { target: 'node' },
});
