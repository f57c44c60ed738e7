import { setTimeout as delay } from 'node:timers/promises';
import { quote, TokenizeError } from '@senti/errors';
import { hubHttpError, serverFailedError, type RequestSubject } from './hub-errors.js';

/** How senti talks to one Hub endpoint. */
export interface HubClient {
  /** `HF_ENDPOINT` (no trailing slash). */
  endpoint: string;
  /** `HF_TOKEN`, sent only to the endpoint's own origin. */
  token: string | undefined;
  /** Attempts per request for a 5xx answer, a 429 or a connection dropped before the answer; default 4. */
  attempts?: number;
  /** Backoff before the second attempt, doubling each time (capped at 8 s); default 1000 ms. */
  retryDelayMs?: number;
  /** Cancels requests and backoff waits. */
  signal?: AbortSignal;
}

/** Options of {@link hubRequest}. */
export interface HubRequestOptions {
  /** `GET` (default) or `HEAD`. */
  method?: 'GET' | 'HEAD';
  /** Extra request headers (e.g. `Range`). */
  headers?: Record<string, string>;
  /** Follow a redirect to another host (a CDN); when false such a 302 is returned to the caller, as huggingface_hub does. */
  followCrossHost?: boolean;
  /** What the request is for, to name it in errors. */
  subject: RequestSubject;
}

/** Errors of `fetch` that mean the host cannot be reached at all: retrying at once will not help. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** True for a fetch failure that means "no route to the Hub" (refused, no DNS), as opposed to a dropped connection. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' && UNREACHABLE.has(code);
}

/**
 * One Hub request: the token goes only to the endpoint's origin (never to a redirect target elsewhere), redirects
 * are followed by hand (same origin always; another host only with `followCrossHost`), 5xx and 429 answers and
 * connections dropped before an answer are retried with bounded exponential backoff, and any other 4xx becomes
 * one clear {@link TokenizeError}. Returns a 2xx answer, or a cross-host redirect when not following those.
 */
export async function hubRequest(client: HubClient, url: string, options: HubRequestOptions): Promise<Response> {
  const attempts = client.attempts ?? 4;
  const endpointOrigin = new URL(client.endpoint).origin;
  let current = new URL(url);
  let redirects = 0;
  for (let attempt = 1; ;) {
    const headers: Record<string, string> = {
      'accept-encoding': 'identity',
      'user-agent': 'senti',
      ...options.headers,
    };
    if (client.token && current.origin === endpointOrigin) headers.authorization = `Bearer ${client.token}`;
    let response: Response;
    try {
      response = await fetch(current, {
        method: options.method ?? 'GET',
        headers,
        redirect: 'manual',
        signal: client.signal,
      });
    } catch (error) {
      throwIfAborted(client.signal, options.subject);
      if (isUnreachable(error) || attempt >= attempts) throw error;
      await backoff(client, attempt++, options.subject);
      continue;
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      const target = new URL(response.headers.get('location')!, current);
      if (target.origin !== current.origin && !options.followCrossHost) return response;
      await response.body?.cancel();
      if (++redirects > 5)
        throw new TokenizeError(
          'TOKENIZE_HUB_SERVER_ERROR',
          `too many redirects fetching ${quote(options.subject.file ?? options.subject.repo)} from ${client.endpoint}`,
          'runtime',
        );
      current = target;
      continue;
    }
    if (response.ok) return response;
    await response.body?.cancel();
    if (response.status >= 500 || response.status === 429) {
      if (attempt >= attempts) throw serverFailedError(response.status, attempts, options.subject);
      await backoff(client, attempt++, options.subject);
      continue;
    }
    throw hubHttpError(response.status, response.headers.get('x-error-code'), options.subject);
  }
}

/** Waits before the next attempt (abortable). */
export async function backoff(client: HubClient, attempt: number, subject: RequestSubject): Promise<void> {
  const milliseconds = Math.min((client.retryDelayMs ?? 1000) * 2 ** (attempt - 1), 8000);
  try {
    await delay(milliseconds, undefined, { signal: client.signal });
  } catch {
    throwIfAborted(client.signal, subject);
  }
}

/** Throws the cancellation error when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, subject: RequestSubject): void {
  if (signal?.aborted) {
    throw new TokenizeError('TOKENIZE_HUB_ABORTED', `the download of ${quote(subject.repo)} was cancelled`, 'runtime', {
      cause: signal.reason,
    });
  }
}
