/**
 * Node entry of the tiny merged MoEs (tiny-moes-core.ts): fixtures read from disk.
 */
import { loadFixture } from '../../model/testing/fixtures';
import { tinyMoeFrom, type TinyMoe, type TinyMoeName } from './tiny-moes-core';

export { CHECK_TOKENS, TINY_MOES, tinyMoeFrom, type TinyMoe, type TinyMoeName } from './tiny-moes-core';

export function tinyMoe(name: TinyMoeName): Promise<TinyMoe> {
  return tinyMoeFrom(async (f) => {
    const fx = loadFixture(f);
    return { weights: await fx.weights.toMemory(), rawConfig: fx.rawConfig };
  }, name);
}
