// Test helper: the CLI in process (runCli with captured streams), as the CLI test files use it.
import { join, resolve } from 'node:path';
import { runCli } from '../main';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const DEMO = join(ROOT, 'public', 'demo', 'models');
export const CORPORA = join(ROOT, 'public', 'demo', 'corpora');
export const CPU = ['--backend', 'cpu'];

export interface Run {
  code: number;
  out: string;
  err: string;
  /** The --json result or error line, parsed. */
  last: { event: string; data?: Record<string, unknown>; message?: string; exitCode?: number };
}

export async function cli(argv: string[], signal?: AbortSignal, onOut?: (s: string) => void): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      out += t;
      onOut?.(out);
    },
    stderr: (t) => (err += t),
    isTTY: false, env: {}, cwd: ROOT, signal,
  });
  const lines = out.trim().split('\n');
  let last: Run['last'] = { event: 'none' };
  try {
    last = JSON.parse(lines[lines.length - 1]) as Run['last'];
  } catch {
    // not --json
  }
  return { code, out, err, last };
}

/** A recipe over three demo models (calibration: code.jsonl next to the recipe and the demo prose corpus), with overrides. */
export const demoRecipe = (over: Record<string, unknown> = {}) => ({
  version: 1,
  sources: [{ id: 'demo/base', revision: '', domain: 'prose' }, { id: 'demo/code', revision: '', domain: 'code' }, { id: 'demo/prose', revision: '', domain: 'prose' }],
  anchor: 0, backbone: { rule: 'symphony', slerpT: 0.5 },
  calibration: { domains: [{ name: 'code', source: 'code.jsonl', tokens: 96 }, { name: 'prose', source: 'demo:prose', tokens: 96 }], seqLen: 32, contentHash: '' },
  alignment: { enabled: true, partial: 1, anchorDomainOnly: false },
  moe: { experts: [1, 2], topK: 1, normTopkProb: false, sharedExpert: 'none' },
  router: { init: 'centroids', seed: 0 },
  training: { scope: 'router', steps: 1, lr: 1e-3, schedule: 'constant', warmupSteps: 0, batchTokens: 62, seqLen: 32, balanceCoef: 0.01, zLossCoef: 0, gradClip: 1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, seed: 0 },
  export: { target: 'hf', dtype: 'f32' },
  ...over,
});
