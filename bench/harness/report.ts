/**
 * The printer: a fixed-width table of benchmark rows, plus the adapters and the machine. Ratio
 * is ours / peer for higher-is-better units (peer / ours otherwise), so > 1 means we are ahead.
 */
import type { BenchRow } from './registry';

export interface Report {
  date: string;
  machine: string;
  adapters: Record<string, string>;
  notes: string[];
  rows: BenchRow[];
}

function fmt(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '-';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function table(header: string[], body: string[][], rightAlign: Set<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

export function formatRow(r: BenchRow): string[] {
  return [
    r.env,
    r.name,
    r.unit,
    fmt(r.ours),
    r.peerName,
    fmt(r.peer),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
  ];
}

export const HEADER = ['env', 'benchmark', 'unit', 'ours', 'peer', 'peer value', 'ours/peer'];

export function formatReport(rep: Report): string {
  const out: string[] = [];
  out.push(`Symphony Studio benchmarks, ${rep.date}`);
  out.push(`machine: ${rep.machine}`);
  for (const [env, a] of Object.entries(rep.adapters)) out.push(`adapter (${env}): ${a}`);
  out.push('');
  out.push(...table(HEADER, rep.rows.map(formatRow), new Set([3, 5, 6])));
  const errors = rep.rows.filter((r) => r.error);
  if (errors.length) {
    out.push('');
    for (const r of errors) out.push(`FAILED ${r.env} ${r.name} (${r.peerName}): ${r.error}`);
  }
  const notes = [
    ...new Set([
      ...rep.notes,
      ...rep.rows.flatMap((r) => (r.note ? [`${r.peerName}: ${r.note}`] : [])),
    ]),
  ];
  if (notes.length) {
    out.push('');
    for (const n of notes) out.push(`* ${n}`);
  }
  return out.join('\n');
}
