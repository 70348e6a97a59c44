/**
 * Entry of `npm run bench` (started by scripts/bench.mjs): runs the Node suite, then the Chromium
 * suite, prints one table and writes bench/results.json. Options: --only=node|chromium,
 * --filter=a,b (benchmark name substrings), --json=<path>.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { runChromiumSuite } from './chromium';
import { runNodeSuite } from './node-suite';
import type { BenchRow } from './registry';
import { formatReport, formatRow, type Report } from './report';

function arg(argv: string[], name: string): string | undefined {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

export async function main(argv: string[]): Promise<number> {
  const only = arg(argv, 'only');
  const filter = arg(argv, 'filter')?.split(',').filter(Boolean);
  const jsonPath = arg(argv, 'json') ?? 'bench/results.json';
  const cpu = cpus();
  const rep: Report = {
    date: new Date().toISOString(),
    machine:
      `${cpu[0]?.model ?? 'cpu'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, ` +
      `Node ${process.versions.node}, load average ${loadavg()[0].toFixed(1)} at start`,
    adapters: {},
    notes: [
      'figures are medians of timed runs after warm-up; each run is timed from submit to completion',
      'ours: A, B on the GPU, C preallocated; one dispatch encoded, submitted, awaited per run',
    ],
    rows: [],
  };
  const onRow = (r: BenchRow): void => console.log(`  ${formatRow(r).join(' | ')}`);
  if (only !== 'chromium') {
    console.log('running the Node suite...');
    const r = await runNodeSuite({ filter, onRow });
    rep.adapters.node = r.adapter;
    rep.notes.push(...r.notes);
    rep.rows.push(...r.rows);
  }
  if (only !== 'node') {
    console.log('running the Chromium suite...');
    const r = await runChromiumSuite({ filter, onRow });
    rep.adapters.chromium = r.adapter;
    rep.notes.push(...r.notes);
    rep.rows.push(...r.rows);
  }
  console.log(`\n${formatReport(rep)}`);
  writeFileSync(jsonPath, `${JSON.stringify(rep, null, 2)}\n`);
  console.log(`\nwritten to ${jsonPath}`);
  return rep.rows.some((r) => r.error) ? 1 : 0;
}
