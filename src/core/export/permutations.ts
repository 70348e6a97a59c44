/**
 * permutations.json: the neuron permutations the alignment applied, per source and layer, so a
 * merge can be audited or re-applied without re-running the alignment. JSON rather than
 * safetensors because safetensors readers (ours included) take float tensors only and integer
 * indices stored as floats would invite rounding doubts. Convention (METHOD.md 2): new neuron j of
 * source s at layer l = old neuron sigma[j]; null = identity (the anchor, or alignment off).
 */
import { InvalidArgumentError } from '../errors';
import { sha256Hex } from '../recipe/hash';

export const PERMUTATIONS_FILE = 'permutations.json';
export const PERMUTATIONS_FORMAT = 'symphony-moe-permutations';

export type Permutations = readonly (readonly (Int32Array | null)[])[];

/** One line per layer keeps the file diffable without making it huge. */
export function serializePermutations(perms: Permutations, sourceIds: readonly string[] = []): string {
  const lines = [
    '{',
    `  "format": "${PERMUTATIONS_FORMAT}",`,
    '  "version": 1,',
    '  "convention": "new neuron j = old neuron sigma[j]; null = identity",',
    '  "sources": [',
  ];
  perms.forEach((layers, s) => {
    lines.push('    {', `      "source": ${s},`);
    if (sourceIds[s] !== undefined) lines.push(`      "id": ${JSON.stringify(sourceIds[s])},`);
    lines.push('      "layers": [');
    layers.forEach((sigma, l) => {
      lines.push(`        ${sigma ? `[${Array.from(sigma).join(',')}]` : 'null'}${l + 1 < layers.length ? ',' : ''}`);
    });
    lines.push('      ]', `    }${s + 1 < perms.length ? ',' : ''}`);
  });
  lines.push('  ]', '}', '');
  return lines.join('\n');
}

export function parsePermutations(text: string): (Int32Array | null)[][] {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`${PERMUTATIONS_FILE}: ${why}. Export the model again to get a valid file.`);
  };
  let obj: { format?: unknown; sources?: { layers?: unknown }[] };
  try {
    obj = JSON.parse(text) as typeof obj;
  } catch {
    return bad('not valid JSON');
  }
  if (obj.format !== PERMUTATIONS_FORMAT || !Array.isArray(obj.sources)) bad('not a permutations file');
  return obj.sources!.map((s, i) => {
    if (!Array.isArray(s.layers)) bad(`source ${i} has no layers`);
    return (s.layers as unknown[]).map((p, l) => {
      if (p === null) return null;
      if (!Array.isArray(p) || !isPermutation(p)) return bad(`source ${i} layer ${l} is not a permutation`);
      return Int32Array.from(p as number[]);
    });
  });
}

function isPermutation(p: unknown[]): boolean {
  const seen = new Uint8Array(p.length);
  for (const v of p) {
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= p.length || seen[v as number]) return false;
    seen[v as number] = 1;
  }
  return true;
}

/** SHA-256 of the file text (the recipe's alignment.permutationsChecksum). */
export function permutationsChecksum(text: string): Promise<string> {
  return sha256Hex(text);
}
