import { describe, expect, it } from 'vitest';
import { AbortedError, InvalidArgumentError, StudioError, rehydrateError, serializeError, throwIfAborted } from './errors';

describe('typed errors', () => {
  it('round-trip through serialisation keeps class, code, message and details', () => {
    const e = new InvalidArgumentError('bad shape; pass [M, K]', { m: 3 });
    const r = rehydrateError(JSON.parse(JSON.stringify(serializeError(e))) as ReturnType<typeof serializeError>);
    expect(r).toBeInstanceOf(InvalidArgumentError);
    expect(r.code).toBe('INVALID_ARGUMENT');
    expect(r.message).toBe('bad shape; pass [M, K]');
    expect(r.details).toEqual({ m: 3 });
    expect(r.name).toBe('InvalidArgumentError');
  });
  it('unknown codes and plain errors become StudioError; DOM AbortError becomes AbortedError', () => {
    expect(rehydrateError({ code: 'NOPE', name: 'X', message: 'm', details: {} })).toBeInstanceOf(StudioError);
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(rehydrateError(serializeError(abort))).toBeInstanceOf(AbortedError);
  });
  it('throwIfAborted throws only after abort', () => {
    const ac = new AbortController();
    expect(() => throwIfAborted(ac.signal)).not.toThrow();
    ac.abort();
    expect(() => throwIfAborted(ac.signal)).toThrow(AbortedError);
  });
});
