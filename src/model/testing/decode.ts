/**
 * Test helper: decode `ids` one token at a time with a KV cache and return the largest
 * |difference| between each next-token row and the same row of `full` (the full forward's
 * logits [T, V]); the cache is released and the model disposed.
 */
import type { BackendTensor } from '../../core/backend';
import { maxAbsDiff } from '../../core/testing/compare';
import type { Transformer } from '../transformer';

export async function decodeMaxDiff<T extends BackendTensor>(tf: Transformer<T>, ids: Int32Array, full: Float32Array): Promise<number> {
  const V = full.length / ids.length;
  const cache = tf.newCache();
  let worst = 0;
  for (let i = 0; i < ids.length; i++) {
    const row = await tf.nextLogits(ids.subarray(i, i + 1), cache);
    worst = Math.max(worst, maxAbsDiff(row, full.subarray(i * V, (i + 1) * V)));
  }
  tf.releaseCache(cache);
  tf.dispose();
  return worst;
}
