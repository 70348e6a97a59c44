/** Display formatting helpers (no maths beyond formatting). */

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Limits whose name says Size are bytes; the rest are counts. */
export function formatBytesOrCount(name: string, v: number | undefined): string {
  if (v === undefined) return '–';
  return /Size$/.test(name) ? formatBytes(v) : v.toLocaleString('en-US');
}
