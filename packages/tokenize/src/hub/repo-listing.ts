import { quote, TokenizeError } from '@senti/errors';
import type { RequestSubject } from './hub-errors.js';
import { hubRequest, type HubClient } from './hub-request.js';
import { COMMIT } from './cache-layout.js';

/** A repository at one commit: what `GET /api/models/{repo}/revision/{revision}` answers. */
export interface RepoListing {
  /** The commit the revision points to now. */
  commit: string;
  /** Every file path in the repository at that commit. */
  files: Set<string>;
}

/** Resolves a revision to its commit and lists the repository's files (huggingface_hub's `repo_info`). */
export async function listRepo(client: HubClient, subject: RequestSubject): Promise<RepoListing> {
  const url = `${client.endpoint}/api/models/${subject.repo}/revision/${encodeURIComponent(subject.revision)}`;
  const response = await hubRequest(client, url, { subject });
  let body: { sha?: unknown; siblings?: unknown } | undefined;
  try {
    body = (await response.json()) as typeof body;
  } catch {
    body = undefined;
  }
  const siblings = Array.isArray(body?.siblings) ? (body.siblings as { rfilename?: unknown }[]) : undefined;
  if (typeof body?.sha !== 'string' || !COMMIT.test(body.sha) || !siblings) {
    throw new TokenizeError(
      'TOKENIZE_HUB_BAD_RESPONSE',
      `the Hub at ${client.endpoint} answered the file list of ${quote(subject.repo)} without a commit id or files; is HF_ENDPOINT a Hugging Face Hub or mirror?`,
      'runtime',
    );
  }
  const files = new Set(
    siblings.map((sibling) => sibling.rfilename).filter((name): name is string => typeof name === 'string'),
  );
  return { commit: body.sha, files };
}
