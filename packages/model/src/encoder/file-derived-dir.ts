import { existsSync } from 'node:fs';
import path from 'node:path';
import { readFileShared } from '@senti/onnx';
import { bytesSha256, knownFileSha256, rememberFileSha256 } from './file-hash.js';

/** How a directory is derived from one source file (see {@link fileDerivedDir}). */
export interface FileDerivation {
  /** Where senti keeps its caches (file hashes are remembered there too). */
  cacheDir: string;
  /** The directory for a source file's sha256. */
  dirOf: (hash: string) => string;
  /** The file inside that directory, written last, whose presence means the directory is complete. */
  marker: string;
  /** Writes the directory from the source's bytes (held in a SharedArrayBuffer); returns the marker file's bytes. */
  build: (bytes: Uint8Array, hash: string, dir: string) => Promise<Uint8Array>;
}

const building = new Map<string, Promise<string>>();

/**
 * A directory derived from `source` once and cached by the source's sha256 (a per-token int8 graph, a masked-LM graph
 * cut at the hidden state): a warm run knows the hash from the file's stamp and reads nothing; the first build reads
 * the source once (hashed from memory) and remembers both files' hashes, so neither is read again to be fingerprinted.
 * Concurrent calls for one source in this process share a build.
 */
export async function fileDerivedDir(source: string, derivation: FileDerivation): Promise<string> {
  const { cacheDir, dirOf, marker } = derivation;
  const known = await knownFileSha256(source, { cacheDir });
  if (known !== undefined && existsSync(path.join(dirOf(known), marker))) return dirOf(known);
  const key = `${path.resolve(source)}\u0000${dirOf('')}`;
  let pending = building.get(key);
  if (!pending) {
    pending = (async () => {
      const bytes = await readFileShared(source);
      // A source senti just wrote (a graph built from safetensors) has its hash remembered already: not hashed twice.
      const hash = known ?? bytesSha256(bytes);
      if (known === undefined) await rememberFileSha256(source, hash, { cacheDir });
      const dir = dirOf(hash);
      const file = path.join(dir, marker);
      if (existsSync(file)) return dir;
      const written = await derivation.build(bytes, hash, dir);
      await rememberFileSha256(file, bytesSha256(written), { cacheDir });
      return dir;
    })();
    building.set(key, pending);
    pending.catch(() => undefined).finally(() => building.delete(key));
  }
  return pending;
}
