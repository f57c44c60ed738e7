import { escapeControl, quote, TokenizeError } from '@senti/errors';

/** What a request was for, to name it in an error: the repository (listing) or one file in it. */
export interface RequestSubject {
  /** Hub repository id, `org/name`. */
  repo: string;
  /** Revision asked for. */
  revision: string;
  /** The file, when the request was for one. */
  file?: string;
  /** The endpoint (`HF_ENDPOINT`) the request went to. */
  endpoint: string;
  /** Whether a token (`HF_TOKEN`) was sent. */
  withToken: boolean;
}

const LOCAL_HINT = 'or point `model` at a local directory in Hugging Face layout';

/**
 * The one-line error for a failed Hub answer, read the way huggingface_hub reads it (`X-Error-Code`: RepoNotFound,
 * GatedRepo, RevisionNotFound, EntryNotFound; the Hub answers 401 for a repository that does not exist or is private).
 */
export function hubHttpError(status: number, errorCode: string | null, subject: RequestSubject): TokenizeError {
  const repo = quote(subject.repo);
  const at = `${repo} at revision ${quote(subject.revision)} on ${subject.endpoint}`;
  if (errorCode === 'GatedRepo' || ((status === 401 || status === 403) && errorCode !== 'RepoNotFound')) {
    const gated = errorCode === 'GatedRepo' ? 'is gated' : 'is private or gated';
    const message = subject.withToken
      ? `access to ${repo} was refused (HTTP ${status}): the repository ${gated} and the token in HF_TOKEN has no access to it`
      : `access to ${repo} was refused (HTTP ${status}): the repository ${gated}; set HF_TOKEN to a token that has access`;
    return new TokenizeError('TOKENIZE_HUB_UNAUTHORIZED', message, 'input', {
      hint: `accept the repository's terms on its Hub page if it is gated, then create a read token and export HF_TOKEN=...`,
    });
  }
  if (errorCode === 'RepoNotFound' || (status === 401 && subject.file === undefined)) {
    const why = subject.withToken
      ? 'does not exist, or the token in HF_TOKEN cannot see it'
      : 'does not exist, or is private (set HF_TOKEN to a token that can see it)';
    return new TokenizeError(
      'TOKENIZE_HUB_REPO_NOT_FOUND',
      `model ${repo} not found on ${subject.endpoint}: the repository ${why}`,
      'input',
      { hint: `check the spelling (org/name) ${LOCAL_HINT}` },
    );
  }
  if (errorCode === 'RevisionNotFound') {
    return new TokenizeError(
      'TOKENIZE_HUB_REVISION_NOT_FOUND',
      `revision ${quote(subject.revision)} of ${repo} not found on ${subject.endpoint}; expected a branch, tag or commit id`,
      'input',
    );
  }
  if (status === 404 && subject.file !== undefined) {
    return new TokenizeError('TOKENIZE_HUB_FILE_NOT_FOUND', `file ${quote(subject.file)} not found in ${at}`, 'input');
  }
  if (status === 404) {
    return new TokenizeError('TOKENIZE_HUB_REPO_NOT_FOUND', `model ${repo} not found on ${subject.endpoint}`, 'input', {
      hint: `check the spelling (org/name) ${LOCAL_HINT}`,
    });
  }
  const what = subject.file === undefined ? `the file list of ${at}` : `${quote(subject.file)} of ${at}`;
  return new TokenizeError('TOKENIZE_HUB_SERVER_ERROR', `the Hub answered HTTP ${status} for ${what}`, 'runtime', {
    hint: 'try again later, or set HF_ENDPOINT to a mirror',
  });
}

/** The error after the server kept failing (5xx) through every retry. */
export function serverFailedError(status: number, attempts: number, subject: RequestSubject): TokenizeError {
  const what =
    subject.file === undefined
      ? `the file list of ${quote(subject.repo)}`
      : `${quote(subject.file)} of ${quote(subject.repo)}`;
  return new TokenizeError(
    'TOKENIZE_HUB_SERVER_ERROR',
    `the Hub at ${subject.endpoint} answered HTTP ${status} for ${what} ${attempts} times; giving up`,
    'runtime',
    {
      hint: 'try again later, or set HF_ENDPOINT to a mirror',
    },
  );
}

/** The error when the Hub cannot be reached at all and the model is not in the cache. */
export function unreachableError(subject: RequestSubject, cacheDir: string, cause: unknown): TokenizeError {
  return new TokenizeError(
    'TOKENIZE_HUB_UNREACHABLE',
    `cannot reach ${subject.endpoint} to download ${quote(subject.repo)} (${describeNetworkError(cause)}) and it is not in the Hugging Face cache ${escapeControl(cacheDir)}`,
    'runtime',
    { cause, hint: `connect once to download it, set HF_ENDPOINT to a reachable mirror, ${LOCAL_HINT}` },
  );
}

/** The error when offline mode is on and the cache lacks the model (or some of its files). */
export function notCachedError(
  repo: string,
  revision: string,
  cacheDir: string,
  missing: readonly string[],
): TokenizeError {
  const lacking = missing.length > 0 ? ` (missing ${missing.map((file) => quote(file)).join(', ')})` : '';
  return new TokenizeError(
    'TOKENIZE_HUB_NOT_CACHED',
    `offline mode is on (\`offline\`, SENTI_OFFLINE or HF_HUB_OFFLINE) and ${quote(repo)} at revision ${quote(revision)} is not in the Hugging Face cache ${escapeControl(cacheDir)}${lacking}`,
    'input',
    { hint: `run once without offline mode to download it, ${LOCAL_HINT}` },
  );
}

/** The error for a downloaded file whose content does not hash to what the Hub announced. */
export function checksumError(file: string, repo: string, expected: string, actual: string): TokenizeError {
  return new TokenizeError(
    'TOKENIZE_HUB_CHECKSUM_MISMATCH',
    `downloaded ${quote(file)} of ${quote(repo)} does not match the Hub's checksum (expected ${expected}, got ${actual}); the file was discarded`,
    'runtime',
    { hint: 'run again to download it afresh; if it persists, the mirror (HF_ENDPOINT) serves a different file' },
  );
}

/** A short description of a fetch failure: the system error code when there is one (ECONNREFUSED, ENOTFOUND). */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return escapeControl(cause.message);
  return escapeControl(error instanceof Error ? error.message : String(error));
}
