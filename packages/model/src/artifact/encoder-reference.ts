import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EncoderInfo } from '../encoder/index.js';
import { parseHfCachePath } from './hf-cache.js';
import type { ManifestEncoder } from './manifest.js';

/**
 * How senti.json names an encoder without absolute paths: a Hub id (+ revision) when it came from the Hub or from a
 * Hugging Face cache snapshot, and for local directories their path relative to the model directory when both sit
 * under one top-level folder (a hint that works while they move together). `model` is the Hub id or the base name.
 */
export function encoderReference(info: EncoderInfo & { path?: string }, modelDir: string): ManifestEncoder {
  const { path: given, ...rest } = info;
  const local = given ?? (existsSync(info.model) ? info.model : undefined);
  if (local === undefined) {
    const [hubId, revision = 'main'] = info.model.split('@') as [string, string?];
    return { ...rest, hubId, revision };
  }
  const hub = parseHfCachePath(local);
  const [from, to] = [path.resolve(modelDir), path.resolve(local)];
  // A relative path that climbs to the file-system root is an absolute path in disguise: leave it out.
  const sharesFolder = from.split(path.sep)[1] === to.split(path.sep)[1];
  const relativePath = sharesFolder ? path.relative(from, to) || '.' : undefined;
  return {
    ...rest,
    model: hub?.hubId ?? path.basename(to),
    ...(hub ?? {}),
    ...(relativePath === undefined ? {} : { relativePath }),
  };
}
