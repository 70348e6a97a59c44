import { describe, expect, it } from 'vitest';
import { formatBytes, formatBytesOrCount } from './format';

describe('formatting', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1024 ** 3)).toBe('1.0 GiB');
  });
  it('treats *Size limits as bytes and the rest as counts', () => {
    expect(formatBytesOrCount('maxStorageBufferBindingSize', 134217728)).toBe('128 MiB');
    expect(formatBytesOrCount('maxComputeWorkgroupsPerDimension', 65535)).toBe('65,535');
    expect(formatBytesOrCount('x', undefined)).toBe('–');
  });
});
