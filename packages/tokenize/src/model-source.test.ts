import { afterEach, describe, expect, it } from 'vitest';
import { isOffline, looksLikePath, resolveModelSource } from './model-source.js';
import { TINY_BERT } from './test-fixtures.js';

describe('resolveModelSource', () => {
  afterEach(() => {
    delete process.env.SENTI_OFFLINE;
  });

  it('treats an existing directory as a local model', () => {
    expect(resolveModelSource(TINY_BERT, { offline: true })).toEqual({ kind: 'dir', id: TINY_BERT, path: TINY_BERT, offline: true });
  });

  it('treats a Hub-shaped id that is not a directory as a Hub id', () => {
    expect(resolveModelSource('Xenova/bert-base-uncased', { offline: false })).toEqual({ kind: 'hub', id: 'Xenova/bert-base-uncased', offline: false });
  });

  it('rejects a path-like string that does not exist, naming it', () => {
    for (const value of ['./missing', '/abs/missing', 'a/b/c', '../x', 'dir\\model']) {
      expect(() => resolveModelSource(value)).toThrow(expect.objectContaining({ code: 'TOKENIZE_MODEL_NOT_FOUND', message: expect.stringContaining(`"${value}"`) }));
    }
  });

  it('rejects a file', () => {
    expect(() => resolveModelSource(`${TINY_BERT}/config.json`)).toThrow(/is a file/);
  });

  it('reads SENTI_OFFLINE unless told explicitly', () => {
    expect(isOffline()).toBe(false);
    process.env.SENTI_OFFLINE = '1';
    expect(isOffline()).toBe(true);
    expect(isOffline(false)).toBe(false);
    expect(resolveModelSource('bert-base-uncased').offline).toBe(true);
  });

  it('tells paths from Hub ids', () => {
    expect(looksLikePath('bert-base-uncased')).toBe(false);
    expect(looksLikePath('owner/name')).toBe(false);
    expect(looksLikePath('./name')).toBe(true);
    expect(looksLikePath('~/models/x')).toBe(true);
  });
});
