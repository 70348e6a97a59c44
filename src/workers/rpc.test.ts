import { describe, expect, it } from 'vitest';
import { AbortedError, StudioError, defineError } from '../core/errors';
import { DeviceLostError } from '../gpu/errors';
import { RpcClient, serveRpc } from './rpc';

const CustomError = defineError('TEST_CUSTOM');

interface Api {
  add: { params: { a: number; b: number }; result: number; progress: never };
  count: { params: { n: number }; result: number[]; progress: { i: number } };
  fail: { params: { kind: 'lost' | 'custom' | 'plain' }; result: never; progress: never };
  wait: { params: Record<string, never>; result: string; progress: never };
}

function pair() {
  const ch = new MessageChannel();
  serveRpc<Api>(ch.port1, {
    add: ({ a, b }) => Promise.resolve(a + b),
    count: async ({ n }, { progress }) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        progress({ i });
        out.push(i);
        await Promise.resolve();
      }
      return out;
    },
    fail: ({ kind }) => {
      if (kind === 'lost') throw new DeviceLostError('device gone; run the stage again', { reason: 'destroyed' });
      if (kind === 'custom') throw new CustomError('custom failure');
      throw new TypeError('plain failure');
    },
    wait: (_p, { signal }) =>
      new Promise((_res, rej) => signal.addEventListener('abort', () => rej(new AbortedError()))),
  });
  const client = new RpcClient<Api>(ch.port2);
  return { client, close: () => { ch.port1.close(); ch.port2.close(); } };
}

describe('typed RPC', () => {
  it('returns typed results', async () => {
    const { client, close } = pair();
    expect(await client.call('add', { a: 2, b: 3 })).toBe(5);
    close();
  });

  it('delivers progress events in order before the result', async () => {
    const { client, close } = pair();
    const seen: number[] = [];
    const r = await client.call('count', { n: 4 }, { onProgress: (e) => seen.push(e.i) });
    expect(r).toEqual([0, 1, 2, 3]);
    expect(seen).toEqual([0, 1, 2, 3]);
    close();
  });

  it('rehydrates errors into their classes with details', async () => {
    const { client, close } = pair();
    const lost = await client.call('fail', { kind: 'lost' }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(DeviceLostError);
    expect((lost as DeviceLostError).details.reason).toBe('destroyed');
    expect((lost as Error).message).toContain('run the stage again');
    const custom = await client.call('fail', { kind: 'custom' }).catch((e: unknown) => e);
    expect(custom).toBeInstanceOf(CustomError);
    const plain = await client.call('fail', { kind: 'plain' }).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(StudioError);
    expect((plain as Error).message).toBe('plain failure');
    close();
  });

  it('cancels through AbortSignal', async () => {
    const { client, close } = pair();
    const ac = new AbortController();
    const p = client.call('wait', {}, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(AbortedError);
    const pre = client.call('add', { a: 1, b: 1 }, { signal: ac.signal });
    await expect(pre).rejects.toBeInstanceOf(AbortedError);
    close();
  });
});
