import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { escapeControl, quote, TokenizeError } from '@senti/errors';
import { offlineByEnvironment } from './hub/hub-environment.js';

/**
 * The Hugging Face Hub model senti uses when none is given: the tutorial's own `bert-base-uncased`, with its pooler
 * (safetensors weights; senti writes the ONNX graph from them once and caches it).
 */
export const DEFAULT_MODEL = 'google-bert/bert-base-uncased';

/** Where a model (tokenizer and encoder files) comes from. */
export interface ModelSource {
  /** `dir`: a local directory in Hugging Face layout; `hub`: a Hugging Face Hub model id. */
  kind: 'dir' | 'hub';
  /** The model id or path exactly as given. */
  id: string;
  /** Absolute directory, when `kind` is `dir` (for a Hub model once downloaded: its snapshot in the Hugging Face cache). */
  path?: string;
  /** Hub repository id (`org/name`, without the revision), for a Hub model. */
  repo?: string;
  /** Revision asked for (`org/name@revision`; default `main`), for a Hub model. */
  revision?: string;
  /** The commit the revision resolved to, once the Hub model is in the cache. */
  commit?: string;
  /** True when remote loading is switched off. */
  offline: boolean;
}

/** Options for {@link resolveModelSource}. */
export interface ResolveModelSourceOptions {
  /** Switch remote loading off; default: `SENTI_OFFLINE=1`. */
  offline?: boolean;
}

/** True when remote model loading is off: the explicit flag if given, else `SENTI_OFFLINE` or `HF_HUB_OFFLINE` (1, true, yes). */
export function isOffline(explicit?: boolean): boolean {
  return explicit ?? offlineByEnvironment();
}

// Same shape transformers.js accepts as a Hub repo id: optional "owner/" then a name.
const HUB_ID = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/;

/** True for strings that can only be meant as a file-system path (not a Hub id). */
export function looksLikePath(value: string): boolean {
  if (/^(\.{1,2}|~)([/\\]|$)/.test(value) || path.isAbsolute(value) || value.includes('\\')) return true;
  if (value.endsWith('/') || value.split('/').length > 2) return true;
  return !HUB_ID.test(value) || value.includes('..') || value.includes('--');
}

// A revision after `@`: a branch, tag or commit id (`refs/pr/1` included), never a path that climbs out.
const REVISION = /^(?!.*\.\.)(?!\/)[\w.\-/]{1,200}$/;

/** Decides whether `modelIdOrDir` is a local model directory (it exists) or a Hugging Face Hub id (`org/name[@revision]`). */
export function resolveModelSource(modelIdOrDir: string, options: ResolveModelSourceOptions = {}): ModelSource {
  const offline = isOffline(options.offline);
  const id = modelIdOrDir.trim();
  if (id === '') {
    throw new TokenizeError(
      'TOKENIZE_MODEL_NOT_FOUND',
      'model is empty; expected a Hugging Face Hub id or a model directory',
      'usage',
    );
  }
  const expanded = id === '~' || id.startsWith('~/') ? path.join(homedir(), id.slice(1)) : id;
  if (existsSync(expanded)) {
    const absolute = path.resolve(expanded);
    if (!statSync(absolute).isDirectory()) {
      throw new TokenizeError(
        'TOKENIZE_MODEL_NOT_FOUND',
        `model ${quote(id)} is a file; expected a model directory in Hugging Face layout (tokenizer.json, config.json, onnx/model.onnx)`,
      );
    }
    return { kind: 'dir', id, path: absolute, offline };
  }
  const at = id.indexOf('@');
  if (at > 0 && !looksLikePath(id.slice(0, at))) {
    const revision = id.slice(at + 1);
    if (!REVISION.test(revision) || revision.endsWith('/')) {
      throw new TokenizeError(
        'TOKENIZE_MODEL_NOT_FOUND',
        `revision ${quote(revision)} in model ${quote(id)} is not valid; expected org/name@branch, a tag or a commit id`,
        'usage',
      );
    }
    return { kind: 'hub', id, repo: id.slice(0, at), revision, offline };
  }
  if (looksLikePath(id)) {
    throw new TokenizeError(
      'TOKENIZE_MODEL_NOT_FOUND',
      `model directory ${quote(id)} not found (resolved to ${escapeControl(path.resolve(expanded))})`,
      'input',
      {
        hint: 'pass an existing directory in Hugging Face layout, or a Hub id such as google-bert/bert-base-uncased',
      },
    );
  }
  return { kind: 'hub', id, repo: id, revision: 'main', offline };
}
