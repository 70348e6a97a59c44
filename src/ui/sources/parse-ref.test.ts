import { describe, expect, it } from 'vitest';
import { folderName, parseRef, splitRefs } from './parse-ref';

describe('parseRef', () => {
  it('accepts model IDs and demo IDs', () => {
    expect(parseRef('Qwen/Qwen2.5-0.5B')).toEqual({ ok: true, entry: { kind: 'hub', id: 'Qwen/Qwen2.5-0.5B', revision: undefined, domain: null } });
    expect(parseRef(' demo/prose ')).toEqual({ ok: true, entry: { kind: 'demo', id: 'demo/prose', domain: null } });
  });
  it('accepts huggingface.co links with revisions', () => {
    const a = parseRef('https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B');
    expect(a.ok && a.entry.id).toBe('Qwen/Qwen2.5-Coder-0.5B');
    const b = parseRef('https://huggingface.co/meta-llama/Llama-3.2-1B/tree/refs%2Fpr%2F3');
    expect(b.ok && b.entry.revision).toBe('refs/pr/3');
    const c = parseRef('hf.co/Qwen/Qwen2-0.5B/blob/main/config.json');
    expect(c.ok && c.entry).toMatchObject({ id: 'Qwen/Qwen2-0.5B', revision: undefined });
  });
  it('rejects other sites, datasets and garbage with a reason', () => {
    expect(parseRef('https://example.com/a/b')).toMatchObject({ ok: false });
    expect(parseRef('https://huggingface.co/datasets/x/y')).toMatchObject({ ok: false, reason: 'a dataset, not a model' });
    expect(parseRef('just-a-name')).toMatchObject({ ok: false });
  });
});

describe('splitRefs / folderName', () => {
  it('splits uri-lists and pastes', () => {
    expect(splitRefs('# comment\nhttps://huggingface.co/a/b\r\nc/d, e/f')).toEqual(['https://huggingface.co/a/b', 'c/d', 'e/f']);
  });
  it('finds the picked folder', () => {
    expect(folderName(['qwen-small/config.json', 'qwen-small/model.safetensors'])).toBe('qwen-small');
    expect(folderName(['config.json'])).toBeNull();
  });
});
