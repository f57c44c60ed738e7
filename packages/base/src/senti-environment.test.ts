import { describe, expect, it } from 'vitest';
import { homedir } from 'node:os';
import path from 'node:path';
import { sentiEnvironment, userCacheHome } from './senti-environment.js';

describe('sentiEnvironment, the one reader of SENTI_* settings', () => {
  it('reads each variable with one meaning; blank and malformed values count as unset', () => {
    expect(sentiEnvironment({})).toEqual({});
    expect(
      sentiEnvironment({
        SENTI_CACHE_DIR: ' /tmp/c ',
        SENTI_THREADS: '4',
        SENTI_TF_BACKEND: 'wasm',
        SENTI_HEAD_THREADS: '2',
        SENTI_HEAD_KERNEL: 'tfjs',
        SENTI_QUEUE: 'redis://h:1',
      }),
    ).toEqual({
      cacheDir: '/tmp/c',
      threads: 4,
      tfBackend: 'wasm',
      headThreads: 2,
      headKernel: 'tfjs',
      queue: 'redis://h:1',
    });
    for (const yes of ['1', 'true', ' YES '])
      expect(sentiEnvironment({ SENTI_OFFLINE: yes })).toEqual({ offline: true });
    for (const no of ['0', 'false', 'no', '']) expect(sentiEnvironment({ SENTI_OFFLINE: no })).toEqual({});
    expect(
      sentiEnvironment({ SENTI_CACHE_DIR: '  ', SENTI_THREADS: '0', SENTI_HEAD_THREADS: '1.5', SENTI_QUEUE: '' }),
    ).toEqual({});
  });

  it('reads XDG_CACHE_HOME with one meaning for senti and Hugging Face caches: ~ expanded, blank unset', () => {
    expect(userCacheHome({})).toBe(path.join(homedir(), '.cache'));
    expect(userCacheHome({ XDG_CACHE_HOME: ' ' })).toBe(path.join(homedir(), '.cache'));
    expect(userCacheHome({ XDG_CACHE_HOME: '~/c' })).toBe(path.join(homedir(), 'c'));
    expect(userCacheHome({ XDG_CACHE_HOME: '/tmp/x' })).toBe('/tmp/x');
  });
});
