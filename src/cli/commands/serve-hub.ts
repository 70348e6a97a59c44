/**
 * `symphony serve-hub --root DIR --port P`: the local Hugging Face Hub-compatible server
 * (scripts/hub-server) over a folder of org/name repositories, e.g. a local mirror for
 * --hub-url. Runs until interrupted (Ctrl-C).
 */
import { resolve } from 'node:path';
import { optNumber, optString, UsageError } from '../args';
import type { Command } from '../command';

export const serveHub: Command = {
  name: 'serve-hub',
  summary: 'serve a folder of model repositories as a local Hub',
  usage: `Usage: symphony serve-hub --root DIR [--port P] [--host H] [--fixtures]
  --root DIR     folder holding org/name/ repositories (config.json, *.safetensors, ...)
  --port P       port (default 8080; 0 picks a free one)
  --host H       interface (default 127.0.0.1)
  --fixtures     first write the tiny test repositories into DIR
  Point other commands at it with --hub-url http://H:P. Stops on Ctrl-C.
`,
  options: { root: {}, port: {}, host: {}, fixtures: { kind: 'switch' } },
  async run({ args, rep, io }) {
    if (args.positionals.length > 0) throw new UsageError(`serve-hub takes no positional arguments (got ${args.positionals[0]})`);
    const root = optString(args, 'root');
    if (!root) throw new UsageError('serve-hub needs --root DIR');
    const port = optNumber(args, 'port', 8080, { int: true, min: 0, max: 65535 });
    const host = optString(args, 'host') ?? '127.0.0.1';
    const dir = resolve(io.cwd, root);
    if (args.switches.has('fixtures')) {
      const { writeFixtureRepos } = await import('../../../scripts/hub-server/fixtures');
      const ids = await writeFixtureRepos(dir);
      rep.info(`wrote ${ids.length} fixture repositories into ${dir}`);
    }
    const { startHubServer } = await import('../../../scripts/hub-server/server');
    const s = await startHubServer({ root: dir, port, host });
    rep.result('serve-hub', { url: s.url, root: dir }, `local hub serving ${dir} at ${s.url}\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.signal?.removeEventListener('abort', stop);
        done();
      };
      if (io.signal?.aborted) return stop();
      io.signal?.addEventListener('abort', stop);
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await s.close();
    rep.info('local hub stopped');
    return 0;
  },
};
