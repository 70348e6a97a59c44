// `npm run bench`: loads the TypeScript harness (bench/harness/main.ts) through Vite's SSR
// module loader, so that the WGSL shader imports resolve exactly as in the app, and runs it.
// Options: --only=node|chromium, --filter=<substring>[,...], --json=<path> (default bench/results.json).
import { createServer } from 'vite';

const server = await createServer({
  configFile: 'vite.config.ts',
  logLevel: 'warn',
  server: { middlewareMode: true, hmr: false, ws: false },
  appType: 'custom',
});
let code = 0;
try {
  const { main } = await server.ssrLoadModule('/bench/harness/main.ts');
  code = await main(process.argv.slice(2));
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await server.close();
}
// Dawn and the browser driver can keep handles open; the results are written by now.
process.exit(code);
