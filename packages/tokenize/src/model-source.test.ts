import { afterEach, describe, expect, it } from 'vitest';
import { isOffline, looksLikePath, resolveModelSource } from './model-source.js';
import { TINY_BERT } from './testing/tokenizer-fixtures.js';

describe('resolveModelSource', () => {
  afterEach(() => {
    delete process.env.SENTI_OFFLINE;
    delete process.env.HF_HUB_OFFLINE;
  });

  it('treats an existing directory as a local model', () => {
    expect(resolveModelSource(TINY_BERT, { offline: true })).toEqual({
      kind: 'dir',
      id: TINY_BERT,
      path: TINY_BERT,
      offline: true,
    });
  });

  it('treats a Hub-shaped id that is not a directory as a Hub id', () => {
    expect(resolveModelSource('Xenova/bert-base-uncased', { offline: false })).toEqual({
      kind: 'hub',
      id: 'Xenova/bert-base-uncased',
      repo: 'Xenova/bert-base-uncased',
      revision: 'main',
      offline: false,
    });
  });

  it('reads a revision after @ (branch, tag, commit, refs/pr/N) and refuses one that climbs out', () => {
    expect(resolveModelSource('org/name@v1.0', { offline: false })).toEqual({
      kind: 'hub',
      id: 'org/name@v1.0',
      repo: 'org/name',
      revision: 'v1.0',
      offline: false,
    });
    expect(resolveModelSource('org/name@refs/pr/1', { offline: false })).toMatchObject({
      repo: 'org/name',
      revision: 'refs/pr/1',
    });
    for (const value of ['org/name@../x', 'org/name@', 'org/name@a b', 'org/name@/abs']) {
      expect(() => resolveModelSource(value)).toThrow(expect.objectContaining({ code: 'TOKENIZE_MODEL_NOT_FOUND' }));
    }
  });

  it('rejects a path-like string that does not exist, naming it', () => {
    for (const value of ['./missing', '/abs/missing', 'a/b/c', '../x', 'dir\\model']) {
      expect(() => resolveModelSource(value)).toThrow(
        expect.objectContaining({ code: 'TOKENIZE_MODEL_NOT_FOUND', message: expect.stringContaining(`"${value}"`) }),
      );
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
    delete process.env.SENTI_OFFLINE;
    for (const [value, expected] of [
      ['YES', true],
      [' true ', true],
      ['0', false],
      ['off', false],
    ] as const) {
      process.env.HF_HUB_OFFLINE = value;
      expect(isOffline()).toBe(expected);
    }
  });

  it('tells paths from Hub ids', () => {
    expect(looksLikePath('bert-base-uncased')).toBe(false);
    expect(looksLikePath('owner/name')).toBe(false);
    expect(looksLikePath('./name')).toBe(true);
    expect(looksLikePath('~/models/x')).toBe(true);
  });
});
