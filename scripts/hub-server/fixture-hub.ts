// Tests' local Hub: the fixture repositories written to a fresh temporary folder and served
// there; stop() closes the server and removes the folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureRepos } from './fixtures';
import { startHubServer, type HubServer, type HubServerOptions } from './server';

export interface FixtureHub {
  hub: HubServer;
  /** The folder the repositories live in (for more servers over the same repositories). */
  root: string;
  stop: () => Promise<void>;
}

export async function startFixtureHub(prefix: string, opts: Omit<HubServerOptions, 'root'> = {}): Promise<FixtureHub> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  await writeFixtureRepos(root);
  const hub = await startHubServer({ root, ...opts });
  return {
    hub, root,
    stop: async () => {
      await hub.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
