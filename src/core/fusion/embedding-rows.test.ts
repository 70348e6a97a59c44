import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { selectiveEmbeddingRows, selectiveEmbeddings } from './embeddings';

const H = 5;

/** Source 0: the first V union tokens as they are; source 1: a shuffled vocabulary that lacks some of them and adds `extra` tokens. */
function unionMaps(rng: Rng, V: number, extra: number): Int32Array[] {
  const perm = rng.permutation(V);
  const m0 = Int32Array.from({ length: V + extra }, (_, u) => (u < V ? u : -1));
  const m1 = Int32Array.from({ length: V + extra }, (_, u) => (u < V - extra ? perm[u] : u < V ? -1 : perm[u - extra]));
  return [m0, m1];
}

async function blocked(tables: Float32Array[], maps: Int32Array[], block: number, weights?: number[]): Promise<{ out: Float32Array; rowsRead: number }> {
  const V = maps[0].length;
  const out = new Float32Array(V * H);
  let rowsRead = 0;
  const read = (i: number, first: number, n: number): Promise<Float32Array> => {
    rowsRead += n;
    return Promise.resolve(tables[i].slice(first * H, (first + n) * H));
  };
  for (let s = 0; s < V; s += block) {
    const n = Math.min(block, V - s);
    out.set(await selectiveEmbeddingRows(read, tables.map((t) => t.length / H), H, maps, s, n, weights), s * H);
  }
  return { out, rowsRead };
}

describe('selectiveEmbeddingRows (the blocked embedding merge)', () => {
  it('equals the whole-table merge bit for bit: same vocabulary, weighted, any block size', async () => {
    const rng = new Rng(3);
    const V = 97;
    const tables = [0, 1, 2].map(() => rng.normalArray(V * H));
    const maps = tables.map(() => Int32Array.from({ length: V }, (_, i) => i));
    const whole = selectiveEmbeddings(tables, H, maps, [1, 2, 0.5]);
    for (const block of [1, 7, 32, V]) {
      const b = await blocked(tables, maps, block, [1, 2, 0.5]);
      expect(b.out).toEqual(whole);
      // Contiguous ids: each source's rows are read exactly once.
      expect(b.rowsRead).toBe(3 * V);
    }
  });

  it('equals the whole-table merge bit for bit over a vocabulary union (shuffled ids, tokens one source lacks)', async () => {
    const rng = new Rng(4);
    const V = 300;
    const maps = unionMaps(rng, V, 40);
    const tables = [rng.normalArray(V * H), rng.normalArray(V * H)];
    const whole = selectiveEmbeddings(tables, H, maps);
    for (const block of [1, 13, 64, V + 40]) {
      expect((await blocked(tables, maps, block)).out).toEqual(whole);
    }
  });

  it('reads only the runs a block needs', async () => {
    const V = 10000;
    const tables = [new Float32Array(V * H).fill(1), new Float32Array(V * H).fill(3)];
    // Union token u is source 0's row u and source 1's row V - 1 - u, except a few far-off ids.
    const m1 = Int32Array.from({ length: V }, (_, u) => (u % 1000 === 0 ? (u * 7) % V : V - 1 - u));
    const maps = [Int32Array.from({ length: V }, (_, u) => u), m1];
    const reads: [number, number, number][] = [];
    const read = (i: number, first: number, n: number): Promise<Float32Array> => {
      reads.push([i, first, n]);
      return Promise.resolve(tables[i].slice(first * H, (first + n) * H));
    };
    const rows = await selectiveEmbeddingRows(read, [V, V], H, maps, 0, 100);
    expect(rows).toEqual(selectiveEmbeddings(tables, H, maps).subarray(0, 100 * H));
    const read1 = reads.filter((r) => r[0] === 1);
    // Row 0 (u = 0 maps to 0) on its own, then rows V-100..V-2 (u = 99..1) as one run.
    expect(read1).toEqual([[1, 0, 1], [1, V - 100, 99]]);
    expect(reads.filter((r) => r[0] === 0)).toEqual([[0, 0, 100]]);
  });

  it('raises the same errors as the whole-table merge', async () => {
    const t = new Float32Array(2 * H);
    const read = (): Promise<Float32Array> => Promise.resolve(new Float32Array(0));
    await expect(selectiveEmbeddingRows(read, [2], H, [Int32Array.from([0, 5])], 0, 2)).rejects.toThrow(/source 0 has no row 5/);
    expect(() => selectiveEmbeddings([t], H, [Int32Array.from([0, 5])])).toThrow(/source 0 has no row 5/);
    await expect(selectiveEmbeddingRows(read, [2], H, [Int32Array.from([0, -1])], 1, 1)).rejects.toThrow(/merged token 1 is in no source/);
    await expect(selectiveEmbeddingRows(read, [2, 2], H, [Int32Array.from([0])], 0, 1)).rejects.toThrow(/one id map per embedding matrix/);
  });
});
