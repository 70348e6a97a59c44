/**
 * Entry of `npm run bench` (started by scripts/bench.mjs): runs the Node suite (matmul on Dawn,
 * then assignment, training and export on the CPU), then the Chromium suite (matmul and forward
 * pass on the browser's WebGPU), prints one table and writes bench/results.json with the machine.
 * Options: --only=node|chromium, --filter=a,b (benchmark name substrings), --full (assignment
 * adds n = 8960), --assign-sizes=2048,4864 (overrides the sizes), --json=<path>.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { ASSIGN_SIZES_DEFAULT, ASSIGN_SIZES_FULL } from './assign';
import { runChromiumSuite } from './chromium';
import { runNodeSuite } from './node-suite';
import type { BenchRow } from './registry';
import { formatReport, formatRow, type MachineInfo, type Report } from './report';

function arg(argv: string[], name: string): string | undefined {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

export async function main(argv: string[]): Promise<number> {
  const only = arg(argv, 'only');
  const filter = arg(argv, 'filter')?.split(',').filter(Boolean);
  const jsonPath = arg(argv, 'json') ?? 'bench/results.json';
  const assignSizes =
    arg(argv, 'assign-sizes')?.split(',').map(Number) ??
    (argv.includes('--full') ? ASSIGN_SIZES_FULL : ASSIGN_SIZES_DEFAULT);
  const cpu = cpus();
  const info: MachineInfo = {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.versions.node,
    loadAverageAtStart: Number(loadavg()[0].toFixed(1)),
  };
  const rep: Report = {
    date: new Date().toISOString(),
    machine:
      `${info.cpu} x${info.cores}, ${info.memoryGiB} GiB, ${info.os}, ` +
      `Node ${info.node}, load average ${info.loadAverageAtStart} at start`,
    machineInfo: info,
    adapters: {},
    notes: [
      'figures are medians of timed runs after warm-up; ratio > 1 means we are ahead (ours/peer, or peer/ours for ms)',
      'matmul ours: A, B on the GPU, C preallocated; one dispatch encoded, submitted, awaited per run',
    ],
    rows: [],
  };
  const onRow = (r: BenchRow): void => console.log(`  ${formatRow(r).join(' | ')}`);
  if (only !== 'chromium') {
    console.log('running the Node suite...');
    const r = await runNodeSuite({ filter, onRow, assignSizes });
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
