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

import { formatCount, formatEta, formatNumber, formatPercent, formatSpeed } from './format';

describe('more formatting', () => {
  it('formats speeds and ETAs', () => {
    expect(formatSpeed(2 * 1024 * 1024)).toBe('2.0 MiB/s');
    expect(formatSpeed(0)).toBe('–');
    expect(formatEta(42.4)).toBe('42 s');
    expect(formatEta(185)).toBe('3 min 05 s');
    expect(formatEta(3720)).toBe('1 h 02 min');
    expect(formatEta(null)).toBe('–');
  });
  it('formats counts, small numbers and percentages', () => {
    expect(formatCount(494_032_768)).toBe('494M');
    expect(formatCount(1_543_714_304)).toBe('1.54B');
    expect(formatCount(35_200)).toBe('35.2K');
    expect(formatNumber(1.23e-6)).toBe('1.2e-6');
    expect(formatNumber(0.5)).toBe('0.500');
    expect(formatNumber(null)).toBe('–');
    expect(formatPercent(0.934)).toBe('93%');
  });
});
