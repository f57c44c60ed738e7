import { quote, TokenizeError } from '@senti/errors';
import type { RequestSubject } from './hub-errors.js';
import { hubRequest, type HubClient } from './hub-request.js';

/** What the Hub says about one file at a commit, before downloading it (huggingface_hub's `HfFileMetadata`). */
export interface FileMetadata {
  /** sha256 for LFS files (`X-Linked-Etag`), git blob sha1 otherwise (`ETag`): the blob's name in the cache. */
  etag: string;
  /** Size in bytes (`X-Linked-Size`, else `Content-Length`). */
  size: number;
  /** The commit the file was resolved at (`X-Repo-Commit`). */
  commit: string | undefined;
  /** Where to download it from: the redirect target for large files (a CDN), else the resolve URL itself. */
  location: string;
}

/** The resolve URL of a file: `{endpoint}/{repo}/resolve/{revision}/{file}`. */
export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  return `${endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** Asks the Hub (a HEAD on the resolve URL, not following a redirect to another host) for a file's metadata. */
export async function fileMetadata(
  client: HubClient,
  subject: RequestSubject & { file: string },
): Promise<FileMetadata> {
  const url = resolveUrl(client.endpoint, subject.repo, subject.revision, subject.file);
  const response = await hubRequest(client, url, { method: 'HEAD', subject });
  const headers = response.headers;
  const etag = normalizeEtag(headers.get('x-linked-etag') ?? headers.get('etag'));
  const size = Number(headers.get('x-linked-size') ?? headers.get('content-length'));
  if (!etag || !Number.isSafeInteger(size) || size < 0) {
    throw new TokenizeError(
      'TOKENIZE_HUB_BAD_RESPONSE',
      `the Hub at ${client.endpoint} sent no ETag or size for ${quote(subject.file)} of ${quote(subject.repo)}; is HF_ENDPOINT a Hugging Face Hub or mirror?`,
      'runtime',
    );
  }
  const location =
    response.status >= 300 && response.status < 400
      ? new URL(response.headers.get('location')!, url).href
      : response.url || url;
  await response.body?.cancel(); // a redirect's body is not read: free the connection
  return { etag, size, commit: headers.get('x-repo-commit') ?? undefined, location };
}

/** An ETag without the weak prefix and quotes (`W/"abc"` -> `abc`). */
export function normalizeEtag(value: string | null): string | undefined {
  const etag = value?.replace(/^W\//, '').replace(/^"|"$/g, '').trim();
  return etag && /^[\w.-]+$/.test(etag) ? etag : undefined;
}
