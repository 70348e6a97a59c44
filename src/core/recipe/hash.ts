/**
 * Canonical JSON (sorted keys, no whitespace) and SHA-256 content keys. Stage outputs are keyed
 * by the hash of their config slice and their inputs' keys, so an unchanged prefix of the
 * pipeline is reused from the cache. Uses Web Crypto (globalThis.crypto), present in browsers and Node 20.
 */

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !(ArrayBuffer.isView(v))) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return v;
}

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return hex(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** Content key of a stage: hash of its name, its config slice and its inputs' keys. */
export function contentKey(stage: string, config: unknown, inputKeys: readonly string[] = []): Promise<string> {
  return sha256Hex(canonicalJson({ stage, config, inputs: inputKeys }));
}
