// Finds Debian's Chromium (never a downloaded browser) and, when it is missing on Debian as
// root, installs the `chromium` package with apt-get. Elsewhere it says how to get one.
// Also the one place that knows the launch flags WebGPU needs in headless Chromium.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Flags for headless Chromium on these machines (ENVIRONMENT.md). */
export const BASE_FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
];
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu'];

export function findChromium() {
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (!existsSync(env)) throw new Error(`CHROMIUM_PATH=${env} does not exist.`);
    return env;
  }
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

function isDebianRoot() {
  return existsSync('/etc/debian_version') && typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Path to Chromium, installing Debian's package when possible. Throws with instructions. */
export function ensureChromium({ log = console.log } = {}) {
  let path = findChromium();
  if (path) return path;
  if (isDebianRoot()) {
    log('Chromium not found: installing Debian package "chromium" (apt-get)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (update.status !== 0) throw new Error('apt-get update failed; install Chromium by hand: apt-get install -y chromium');
    const inst = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'libvulkan1'], { stdio: 'inherit', env });
    if (inst.status !== 0) throw new Error('apt-get install chromium failed; install it by hand: apt-get install -y chromium');
    path = findChromium();
    if (path) return path;
  }
  throw new Error(
    'No Chromium found. Install one and re-run: on Debian/Ubuntu `sudo apt-get install -y chromium`, ' +
      'on Fedora `sudo dnf install chromium`, on macOS install Google Chrome; or set CHROMIUM_PATH to a ' +
      'Chromium-based browser binary (version 113 or newer).',
  );
}

export function chromiumVersion(path) {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown version';
  }
}
