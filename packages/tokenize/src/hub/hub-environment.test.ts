import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, hubEnvironment } from './hub-environment.js';

describe('hubEnvironment', () => {
  it('defaults to the public Hub and ~/.cache/huggingface/hub', () => {
    expect(hubEnvironment({})).toEqual({
      endpoint: DEFAULT_ENDPOINT,
      token: undefined,
      offline: false,
      cacheDir: path.join(homedir(), '.cache', 'huggingface', 'hub'),
    });
  });

  it('reads HF_ENDPOINT (trailing slash dropped), HF_TOKEN and the cache in huggingface_hub order', () => {
    expect(hubEnvironment({ HF_ENDPOINT: 'https://mirror.example/ ', HF_TOKEN: 'hf_x', HF_HOME: '/data/hf' })).toEqual({
      endpoint: 'https://mirror.example',
      token: 'hf_x',
      offline: false,
      cacheDir: '/data/hf/hub',
    });
    expect(hubEnvironment({ HF_HUB_CACHE: '/c', HF_HOME: '/data/hf', XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/c');
    expect(hubEnvironment({ XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/x/huggingface/hub');
    expect(hubEnvironment({ HF_HUB_CACHE: '~/hf' }).cacheDir).toBe(path.join(homedir(), 'hf'));
  });

  it('gives booleans one meaning: 1, true or yes in any case', () => {
    for (const value of ['1', 'TRUE', 'Yes', ' yes '])
      expect(hubEnvironment({ HF_HUB_OFFLINE: value }).offline).toBe(true);
    for (const value of ['0', 'false', 'no', 'on', ''])
      expect(hubEnvironment({ HF_HUB_OFFLINE: value, SENTI_OFFLINE: value }).offline).toBe(false);
    expect(hubEnvironment({ SENTI_OFFLINE: '1' }).offline).toBe(true);
  });

  it('refuses an HF_ENDPOINT that is not an http(s) URL, in one line', () => {
    for (const value of ['huggingface.co', 'ftp://mirror', 'http//x']) {
      expect(() => hubEnvironment({ HF_ENDPOINT: value })).toThrow(
        expect.objectContaining({
          code: 'TOKENIZE_HUB_BAD_ENDPOINT',
          message: expect.stringContaining(`HF_ENDPOINT "${value}" is not an http(s) URL`),
        }),
      );
    }
  });
});
