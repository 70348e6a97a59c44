/**
 * CLI of the local Hub server:
 *   npx tsx scripts/hub-server/cli.ts --root <folder> [--port 8080] [--host 127.0.0.1] [--fixtures]
 * `--fixtures` first writes the fixture repositories into the root (a temp folder when no root is
 * given). Point the studio (or @huggingface/hub's `hubUrl`) at the printed URL. Faults and the
 * request log are driven over /__admin/faults and /__admin/log.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureRepos } from './fixtures';
import { startHubServer } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const fixtures = process.argv.includes('--fixtures');
  let root = arg('root');
  if (!root && !fixtures) {
    console.error('usage: hub-server --root <folder with org/name repos> [--port N] [--host H] [--fixtures]');
    process.exit(2);
  }
  root ??= await mkdtemp(join(tmpdir(), 'hub-fixtures-'));
  if (fixtures) {
    const ids = await writeFixtureRepos(root);
    console.log(`wrote ${ids.length} fixture repos into ${root}`);
  }
  const s = await startHubServer({ root, port: Number(arg('port') ?? 8080), host: arg('host') ?? '127.0.0.1' });
  console.log(`local hub serving ${root} at ${s.url}`);
  const stop = () => void s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
