import { homedir } from 'node:os';
import path from 'node:path';
import { isTruthy, sentiEnvironment, userCacheHome } from '@senti/base';
import { quote, TokenizeError } from '@senti/errors';

/** The Hugging Face Hub settings senti reads from the environment (the one place these variables are read). */
export interface HubEnvironment {
  /** `HF_ENDPOINT` without a trailing slash (a mirror); default `https://huggingface.co`. */
  endpoint: string;
  /** `HF_TOKEN`: sent as a Bearer token to the endpoint's host only, never to a redirect target on another host. */
  token: string | undefined;
  /** `SENTI_OFFLINE` or `HF_HUB_OFFLINE` set to 1, true or yes: resolve models from the cache only. */
  offline: boolean;
  /** `HF_HUB_CACHE`, else `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir: string;
}

/** The public Hub, used when `HF_ENDPOINT` is not set. */
export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** Reads the Hub settings from `env` (default `process.env`); a malformed `HF_ENDPOINT` is one clear line. */
export function hubEnvironment(env: NodeJS.ProcessEnv = process.env): HubEnvironment {
  return {
    endpoint: parseEndpoint(env.HF_ENDPOINT),
    token: nonEmpty(env.HF_TOKEN),
    offline: offlineByEnvironment(env),
    cacheDir: hubCacheDir(env),
  };
}

/** True when `SENTI_OFFLINE` (read by `sentiEnvironment`) or `HF_HUB_OFFLINE` says 1, true or yes. */
export function offlineByEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return sentiEnvironment(env).offline === true || isTruthy(env.HF_HUB_OFFLINE);
}

/** The Hugging Face cache directory (see {@link HubEnvironment.cacheDir}). */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = nonEmpty(env.HF_HUB_CACHE);
  if (explicit) return path.resolve(expandHome(explicit));
  const home = nonEmpty(env.HF_HOME);
  if (home) return path.resolve(expandHome(home), 'hub');
  return path.join(userCacheHome(env), 'huggingface', 'hub');
}

function parseEndpoint(value: string | undefined): string {
  const given = nonEmpty(value);
  if (!given) return DEFAULT_ENDPOINT;
  let url: URL | undefined;
  try {
    url = new URL(given);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TokenizeError(
      'TOKENIZE_HUB_BAD_ENDPOINT',
      `HF_ENDPOINT ${quote(given)} is not an http(s) URL; expected e.g. https://huggingface.co or a mirror's address`,
      'usage',
    );
  }
  return given.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function expandHome(value: string): string {
  return value === '~' || value.startsWith('~/') ? path.join(homedir(), value.slice(1)) : value;
}
