import { statSync } from 'node:fs';

/** Files at least this big get a "Reading ..." line: parsing them takes seconds, and silence looks like a hang. */
const NOTE_BYTES = 16 * 1024 * 1024;

/** `Reading FILE (60.2 MB) ...` for a big regular file, else undefined (small files, stdin, in-memory rows). */
export function readingNote(source: string): string | undefined {
  try {
    const info = statSync(source);
    if (!info.isFile() || info.size < NOTE_BYTES) return undefined;
    return `Reading ${source} (${(info.size / 1e6).toFixed(1)} MB) ...`;
  } catch {
    return undefined;
  }
}
