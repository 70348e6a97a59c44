/**
 * Selective-linear embedding merge (METHOD.md section 2). Vocabularies are matched by token
 * string: the merged vocabulary is the union, and each merged row is the mean of the rows of the
 * sources that have that token (a token known to one source keeps that source's row).
 *
 * Inputs: N embedding matrices E_i [V_i, H] and, for each source, `idMaps[i][u]` = the source's
 * id of union token u, or -1 when the source lacks it (`fromUnion` of
 * core/tokenizer/vocab-union.ts). Output: [V_union, H].
 *
 * `selectiveEmbeddingRows` computes a block of merged rows reading only the source rows it needs
 * (in runs of nearby ids, through a row reader), so a 151936-token table merges with memory
 * bounded by a block. Both forms run the same per-row arithmetic (`mergeRows`), so a blocked
 * merge is bit-identical to the whole-table merge.
 */
import { InvalidArgumentError } from '../errors';

/** Source rows further apart than this are read as separate runs. */
const RUN_GAP = 64;

/**
 * Merged rows u in [start, start + out.length / hidden): `rowOf[i](u)` = offset of source i's
 * row for u in `embeds[i]`, or -1 when source i lacks u.
 */
function mergeRows(
  embeds: readonly Float32Array[], hidden: number, rowOf: readonly ((u: number) => number)[], start: number, out: Float32Array, w: readonly number[],
): void {
  const acc = new Float64Array(hidden);
  const count = out.length / hidden;
  for (let k = 0; k < count; k++) {
    const u = start + k;
    acc.fill(0);
    let total = 0;
    for (let i = 0; i < embeds.length; i++) {
      const o = rowOf[i](u);
      if (o < 0) continue;
      for (let h = 0; h < hidden; h++) acc[h] += w[i] * embeds[i][o + h];
      total += w[i];
    }
    if (total === 0) {
      throw new InvalidArgumentError(`selectiveEmbeddings: merged token ${u} is in no source`);
    }
    for (let h = 0; h < hidden; h++) out[k * hidden + h] = acc[h] / total;
  }
}

function checkMaps(n: number, idMaps: readonly Int32Array[]): void {
  if (n === 0 || n !== idMaps.length) {
    throw new InvalidArgumentError('selectiveEmbeddings needs one id map per embedding matrix');
  }
}

function checkRow(i: number, id: number, rows: number): void {
  if (id >= rows) {
    throw new InvalidArgumentError(`selectiveEmbeddings: source ${i} has no row ${id}; its tokenizer and embedding matrix disagree`);
  }
}

export function selectiveEmbeddings(
  embeds: readonly Float32Array[], hidden: number, idMaps: readonly Int32Array[], weights?: readonly number[],
): Float32Array {
  checkMaps(embeds.length, idMaps);
  const rowOf = idMaps.map((m, i) => {
    const rows = Math.floor(embeds[i].length / hidden);
    return (u: number): number => {
      const id = m[u];
      if (id < 0) return -1;
      checkRow(i, id, rows);
      return id * hidden;
    };
  });
  const out = new Float32Array(idMaps[0].length * hidden);
  mergeRows(embeds, hidden, rowOf, 0, out, weights ?? new Array<number>(embeds.length).fill(1));
  return out;
}

/** Reads rows [first, first + count) of source i's table, f32 [count * hidden]. */
export type EmbeddingRowReader = (source: number, first: number, count: number) => Promise<Float32Array>;

/**
 * Merged rows [start, start + count) of `selectiveEmbeddings` over tables of `sourceRows[i]`
 * rows, reading from each source only the runs of ids this block maps to.
 */
export async function selectiveEmbeddingRows(
  read: EmbeddingRowReader, sourceRows: readonly number[], hidden: number, idMaps: readonly Int32Array[],
  start: number, count: number, weights?: readonly number[],
): Promise<Float32Array> {
  checkMaps(sourceRows.length, idMaps);
  const embeds: Float32Array[] = [];
  const rowOf: ((u: number) => number)[] = [];
  for (let i = 0; i < idMaps.length; i++) {
    const ids = idMaps[i].subarray(start, start + count);
    const want = Int32Array.from(ids.filter((id) => id >= 0)).sort();
    // Runs of ids at most RUN_GAP apart, each read with one range read.
    const runs: { first: number; last: number; at: number }[] = [];
    let rows = 0;
    for (const id of want) {
      checkRow(i, id, sourceRows[i]);
      const r = runs[runs.length - 1];
      if (r && id - r.last <= RUN_GAP) {
        rows += id - r.last;
        r.last = id;
      } else {
        runs.push({ first: id, last: id, at: rows });
        rows += 1;
      }
    }
    const data = new Float32Array(rows * hidden);
    for (const r of runs) data.set(await read(i, r.first, r.last - r.first + 1), r.at * hidden);
    embeds.push(data);
    rowOf.push((u) => {
      const id = idMaps[i][u];
      if (id < 0) return -1;
      let lo = 0;
      let hi = runs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (runs[mid].first <= id) lo = mid;
        else hi = mid - 1;
      }
      return (runs[lo].at + id - runs[lo].first) * hidden;
    });
  }
  const out = new Float32Array(count * hidden);
  mergeRows(embeds, hidden, rowOf, start, out, weights ?? new Array<number>(idMaps.length).fill(1));
  return out;
}
