/**
 * A small, strict argument parser for the CLI: `--name value`, `--name=value`, repeatable
 * options, boolean switches and positionals. Anything it does not know is a UsageError, which
 * the entry point turns into exit code 2 with the command's usage text.
 */
import { StudioError, registerError } from '../core/errors';

export class UsageError extends StudioError {
  override readonly code = 'USAGE';
}
registerError('USAGE', UsageError);

export interface OptionSpec {
  /** Takes a value (default) or is a boolean switch. */
  kind?: 'value' | 'switch';
  /** May be given more than once (values collected in order). */
  repeat?: boolean;
  short?: string;
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string[]>;
  switches: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), switches: new Set() };
  const shorts = new Map(Object.entries(spec).filter(([, o]) => o.short).map(([n, o]) => [o.short!, n]));
  let rest = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (rest || a === '-' || !a.startsWith('-') || /^-\d/.test(a)) {
      out.positionals.push(a);
      continue;
    }
    if (a === '--') {
      rest = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq > 0 ? a.slice(eq + 1) : undefined;
    } else {
      const n = shorts.get(a.slice(1));
      if (!n) throw new UsageError(`unknown option ${a}`);
      name = n;
    }
    const o = spec[name];
    if (!o) throw new UsageError(`unknown option --${name}`);
    if (o.kind === 'switch') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      out.switches.add(name);
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new UsageError(`--${name} needs a value`);
    const prev = out.values.get(name);
    if (prev && !o.repeat) throw new UsageError(`--${name} was given more than once`);
    out.values.set(name, [...(prev ?? []), v]);
  }
  return out;
}

export function optString(p: ParsedArgs, name: string): string | undefined {
  return p.values.get(name)?.[0];
}

export function optList(p: ParsedArgs, name: string): string[] {
  return p.values.get(name) ?? [];
}

/** A number option within [min, max] (integers when `int`). */
export function optNumber(p: ParsedArgs, name: string, def: number, o: { min?: number; max?: number; int?: boolean } = {}): number {
  const s = optString(p, name);
  if (s === undefined) return def;
  const v = Number(s);
  const ok = s.trim() !== '' && Number.isFinite(v) && (!o.int || Number.isInteger(v)) && v >= (o.min ?? -Infinity) && v <= (o.max ?? Infinity);
  if (!ok) {
    const range = o.min !== undefined || o.max !== undefined ? ` in [${o.min ?? '-inf'}, ${o.max ?? 'inf'}]` : '';
    throw new UsageError(`--${name} must be ${o.int ? 'an integer' : 'a number'}${range}, got "${s}"`);
  }
  return v;
}

export function optChoice<C extends string>(p: ParsedArgs, name: string, choices: readonly C[], def: C): C {
  const s = optString(p, name);
  if (s === undefined) return def;
  if (!(choices as readonly string[]).includes(s)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${s}"`);
  return s as C;
}

/** `DOMAIN=FILE` pairs. */
export function domainFiles(p: ParsedArgs, name: string): { name: string; file: string }[] {
  return optList(p, name).map((s) => {
    const eq = s.indexOf('=');
    if (eq <= 0 || eq === s.length - 1) throw new UsageError(`--${name} takes DOMAIN=FILE (e.g. --${name} code=code.txt), got "${s}"`);
    return { name: s.slice(0, eq), file: s.slice(eq + 1) };
  });
}

/** Comma-separated integers (token ids). */
export function intList(s: string, name: string): number[] {
  const parts = s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  if (parts.length === 0 || parts.some((x) => !/^\d+$/.test(x))) throw new UsageError(`--${name} takes comma-separated token ids such as 1,2,3, got "${s}"`);
  return parts.map(Number);
}
