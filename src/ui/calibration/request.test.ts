import { describe, expect, it } from 'vitest';
import { calibrationRequest, documentsFromUpload } from './request';

describe('documentsFromUpload', () => {
  it('takes the text field of each jsonl line and counts the rest', () => {
    const r = documentsFromUpload('math.jsonl', '{"text":"1+1=2"}\n\n{"text":"x^2"}\nnot json\n{"id":3}\n');
    expect(r).toEqual({ documents: ['1+1=2', 'x^2'], skipped: 2 });
  });
  it('keeps a .txt file as one document', () => {
    expect(documentsFromUpload('a.TXT', 'hello\nworld')).toEqual({ documents: ['hello\nworld'], skipped: 0 });
    expect(documentsFromUpload('a.txt', '  ')).toEqual({ documents: [], skipped: 0 });
  });
});

describe('calibrationRequest', () => {
  it('sends ticked built-in domains and domains with own documents only', () => {
    const req = calibrationRequest({
      tokensPerDomain: 1024, seqLen: 128,
      domains: [
        { name: 'prose', catalog: true, heldOut: false, builtin: true, pasted: '', uploaded: [] },
        { name: 'legal', catalog: true, heldOut: true, builtin: false, pasted: '', uploaded: [] },
        { name: 'mine', catalog: false, heldOut: false, builtin: false, pasted: 'my text', uploaded: ['doc2'] },
      ],
    });
    expect(req).toEqual({
      tokensPerDomain: 1024, seqLen: 128,
      domains: [{ name: 'prose', builtin: true }, { name: 'mine', builtin: false, documents: ['my text', 'doc2'] }],
    });
  });
  it('adds the documents read from a Hub dataset to the domain', () => {
    const dataset = { repo: 'org/data', revision: 'a'.repeat(40), path: 'train.parquet', column: 'text', documents: ['d1', 'd2'], tokens: 9, exactTokens: true, complete: false };
    const req = calibrationRequest({
      tokensPerDomain: 64, seqLen: 16,
      domains: [{ name: 'web', catalog: false, heldOut: false, builtin: false, pasted: 'p', uploaded: ['u'], dataset }],
    });
    expect(req.domains).toEqual([{ name: 'web', builtin: false, documents: ['p', 'u', 'd1', 'd2'] }]);
  });
});
