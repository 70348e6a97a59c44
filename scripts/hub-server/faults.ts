/**
 * Fault injection for the local Hub server. A rule matches requests by path (substring, or a glob
 * with `*` when it contains one), optional method and "only ranged requests", and applies one
 * fault: an HTTP status (404, gated 401/403, 5xx...), a body truncated after N bytes (the
 * connection is cut, as a dropped download would be), or a slow response (delay, throttle).
 * `times` makes a rule expire after that many matches (e.g. fail once, then recover).
 */
export type FaultKind = 'status' | 'truncate' | 'slow';

export interface FaultRule {
  kind: FaultKind;
  /** Substring of the request path, or a glob when it contains `*`; all paths when absent. */
  path?: string;
  method?: string;
  /** Apply only to requests carrying a Range header (tensor reads). */
  onlyRanged?: boolean;
  /** kind status: the status code; with errorCode as X-Error-Code (e.g. GatedRepo). */
  status?: number;
  errorCode?: string;
  message?: string;
  /** kind truncate: body bytes sent before the connection is cut. */
  truncateAfter?: number;
  /** kind slow: delay before the first byte, and a throttle in bytes per second. */
  delayMs?: number;
  bytesPerSecond?: number;
  /** Expire after this many matches (forever when absent). */
  times?: number;
}

export interface ActiveFault extends FaultRule {
  id: number;
  hits: number;
}

function matchPath(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return path.includes(pattern);
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(path);
}

export class FaultTable {
  private rules: ActiveFault[] = [];
  private nextId = 1;

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ ...rule, id, hits: 0 });
    return id;
  }

  set(rules: FaultRule[]): void {
    this.rules = [];
    for (const r of rules) this.add(r);
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The first live rule matching the request; counts a hit and expires used-up rules. */
  take(method: string, path: string, ranged: boolean): ActiveFault | null {
    for (const r of this.rules) {
      if (r.method && r.method.toUpperCase() !== method) continue;
      if (r.onlyRanged && !ranged) continue;
      if (r.path && !matchPath(r.path, path)) continue;
      r.hits++;
      if (r.times !== undefined && r.hits >= r.times) this.rules = this.rules.filter((x) => x !== r);
      return { ...r };
    }
    return null;
  }
}
