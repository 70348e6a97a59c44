/**
 * Selective-linear embedding merge (METHOD.md section 2). Vocabularies are matched by token
 * string: the merged vocabulary is the union, and each merged row is the mean of the rows of the
 * sources that have that token (a token known to one source keeps that source's row).
 *
 * Inputs: N embedding matrices E_i [V_i, H] and, for each source, `idMaps[i][u]` = the source's
 * id of union token u, or -1 when the source lacks it (`fromUnion` of
 * core/tokenizer/vocab-union.ts). Output: [V_union, H].
 */
import { InvalidArgumentError } from '../errors';

export function selectiveEmbeddings(
  embeds: readonly Float32Array[], hidden: number, idMaps: readonly Int32Array[], weights?: readonly number[],
): Float32Array {
  if (embeds.length === 0 || embeds.length !== idMaps.length) {
    throw new InvalidArgumentError('selectiveEmbeddings needs one id map per embedding matrix');
  }
  const vu = idMaps[0].length;
  const w = weights ?? new Array<number>(embeds.length).fill(1);
  const out = new Float32Array(vu * hidden);
  const acc = new Float64Array(hidden);
  for (let u = 0; u < vu; u++) {
    acc.fill(0);
    let total = 0;
    for (let i = 0; i < embeds.length; i++) {
      const id = idMaps[i][u];
      if (id < 0) continue;
      if ((id + 1) * hidden > embeds[i].length) {
        throw new InvalidArgumentError(`selectiveEmbeddings: source ${i} has no row ${id}; its tokenizer and embedding matrix disagree`);
      }
      const o = id * hidden;
      for (let h = 0; h < hidden; h++) acc[h] += w[i] * embeds[i][o + h];
      total += w[i];
    }
    if (total === 0) {
      throw new InvalidArgumentError(`selectiveEmbeddings: merged token ${u} is in no source`);
    }
    for (let h = 0; h < hidden; h++) out[u * hidden + h] = acc[h] / total;
  }
  return out;
}
