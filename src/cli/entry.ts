/**
 * Process entry of the bundled CLI (dist-cli/symphony.mjs, built by src/cli/vite.config.ts and
 * started by src/cli/launcher.mjs): real streams, Ctrl-C cancels, and the exit code is the
 * command's. process.exit at the end also drops Dawn's handles when WebGPU was used.
 */
import { runCli } from './main';

const ac = new AbortController();
process.once('SIGINT', () => ac.abort());
const code = await runCli(process.argv.slice(2), {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
  signal: ac.signal,
});
// Let stdout drain before exiting (large JSON results on a pipe).
process.stdout.write('', () => process.exit(code));
