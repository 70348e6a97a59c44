/**
 * The `symphony` command line: dispatch, help, and the exit-code contract
 *   0 success; 1 runtime error (the StudioError's message: unknown source, bad recipe, sources
 *   that cannot be merged, ...); 2 usage error (unknown command or option, bad value) with usage.
 * `runCli` takes its streams and environment as arguments, so tests run it in process.
 */
import { StudioError } from '../core/errors';
import { parseArgs, UsageError } from './args';
import { GLOBAL_OPTIONS, GLOBAL_USAGE, makeEnv, type Command } from './command';
import { align } from './commands/align';
import { evalCommand } from './commands/eval';
import { exportOnnxCommand } from './commands/export-onnx';
import { inspect } from './commands/inspect';
import { merge } from './commands/merge';
import { run } from './commands/run';
import { serveHub } from './commands/serve-hub';
import { Reporter, type CliIo } from './output';

export const COMMANDS: readonly Command[] = [inspect, align, merge, evalCommand, run, exportOnnxCommand, serveHub];
export const VERSION = '0.1.0';

export function helpText(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return `symphony ${VERSION}: build a Mixture-of-Experts from dense Hugging Face models (Symphony-MoE)

Usage: symphony <command> [arguments] [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}

Run "symphony <command> --help" for a command's arguments.
${GLOBAL_USAGE}`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const quiet = argv.includes('--quiet') || argv.includes('-q');
  const rep = new Reporter(io, json ? 'json' : io.isTTY ? 'tty' : 'plain', quiet);
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    if (name === undefined) {
      io.stderr(helpText());
      return 2;
    }
    io.stdout(helpText());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    rep.error(new UsageError(`unknown command "${name}"`), 2, helpText());
    return 2;
  }
  const usage = `${cmd.usage}\n${GLOBAL_USAGE}`;
  let env: ReturnType<typeof makeEnv> | null = null;
  try {
    const args = parseArgs(rest, { ...GLOBAL_OPTIONS, ...cmd.options });
    if (args.switches.has('help')) {
      io.stdout(usage);
      return 0;
    }
    env = makeEnv(io, rep, args);
    return await cmd.run(env);
  } catch (e) {
    const code = e instanceof UsageError ? 2 : 1;
    rep.error(e instanceof StudioError || e instanceof Error ? e : new Error(String(e)), code, code === 2 ? usage : undefined);
    return code;
  } finally {
    rep.finish();
    env?.close();
  }
}
