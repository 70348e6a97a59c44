/**
 * What every command gets: parsed arguments, the reporter, the options shared by all commands
 * (--json, --quiet, --backend, --hub-url, --cache-dir, --demo-dir) and a lazily chosen backend.
 */
import type { StageContext } from '../merge/context';
import { optChoice, optString, type OptionSpec, type ParsedArgs } from './args';
import { chooseBackend, type BackendKind, type ChosenBackend } from './backend';
import type { CliIo, Reporter } from './output';
import type { SourceOptions } from './sources';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { kind: 'switch' },
  quiet: { kind: 'switch', short: 'q' },
  help: { kind: 'switch', short: 'h' },
  backend: {},
  'hub-url': {},
  'cache-dir': {},
  'demo-dir': {},
};

export const GLOBAL_USAGE = `Common options:
  --backend KIND             cpu | cpu-simd | webgpu | auto (default auto: WebGPU on a hardware
                             adapter, else cpu-simd, the WebAssembly SIMD kernels; cpu: f64 reference)
  --hub-url URL              Hub endpoint for model IDs (default https://huggingface.co; a local mirror works)
  --cache-dir DIR            keep downloaded byte ranges in DIR
  --demo-dir DIR             folder of the demo models for demo/<name> (default public/demo/models)
  --json                     JSON lines on stdout (progress, log, result or error)
  -q, --quiet                no progress or notes
  -h, --help                 this help
Environment: HF_TOKEN (access token for gated/private repos), SYMPHONY_DEBUG=1 (stack traces).
`;

export interface CommandEnv {
  io: CliIo;
  rep: Reporter;
  args: ParsedArgs;
  sourceOptions: (baseDir?: string) => SourceOptions;
  backend: () => Promise<ChosenBackend>;
  stage: () => Promise<StageContext>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  run(env: CommandEnv): Promise<number>;
}

export function makeEnv(io: CliIo, rep: Reporter, args: ParsedArgs): CommandEnv & { close(): void } {
  const kind = optChoice<BackendKind>(args, 'backend', ['cpu', 'cpu-simd', 'webgpu', 'auto'], 'auto');
  let chosen: Promise<ChosenBackend> | null = null;
  const env = {
    io, rep, args,
    sourceOptions: (baseDir = io.cwd): SourceOptions => ({
      baseDir, hubUrl: optString(args, 'hub-url'), cacheDir: optString(args, 'cache-dir'), demoDir: optString(args, 'demo-dir'),
      token: io.env.HF_TOKEN || undefined, signal: io.signal,
    }),
    backend: () => (chosen ??= chooseBackend(kind, (line) => !rep.quiet && io.stderr(`${line}\n`))),
    stage: async (): Promise<StageContext> => ({
      backend: (await env.backend()).backend, signal: io.signal,
      progress: (p) => rep.progress(p.stage, p.done, p.total, p.message),
      log: (m) => rep.info(m),
    }),
    close: () => {
      if (chosen) void chosen.then((c) => c.close(), () => undefined);
    },
  };
  return env;
}
