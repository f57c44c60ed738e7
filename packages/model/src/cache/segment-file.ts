import { createHash } from 'node:crypto';

/** First bytes of every feature segment file. */
export const SEGMENT_MAGIC = Buffer.from('SENTIFC1', 'latin1');
/** Bytes of one text key (sha1 of the UTF-8 text). */
export const KEY_BYTES = 20;

/** Rows of features and the keys of the texts they belong to. */
export interface Segment {
  /** `rows * KEY_BYTES` bytes: sha1 of each row's text. */
  keys: Buffer;
  /** `rows * hiddenSize` floats. */
  features: Float32Array;
  rows: number;
  hiddenSize: number;
}

interface SegmentHeader {
  formatVersion: 1;
  rows: number;
  hiddenSize: number;
  /** sha256 (hex) of keys followed by features. */
  sha256: string;
}

/** sha1 of a text: the key a row is stored under. */
export function textKey(text: string): Buffer {
  return createHash('sha1').update(text, 'utf8').digest();
}

/**
 * Serializes a segment: magic, u32 header length, JSON header (rows, hidden size, sha256 of the payload),
 * then the payload: keys, then little-endian float32 features.
 */
export function encodeSegment(segment: Segment): Buffer[] {
  const features = Buffer.from(segment.features.buffer, segment.features.byteOffset, segment.features.byteLength);
  const sha256 = createHash('sha256').update(segment.keys).update(features).digest('hex');
  const header: SegmentHeader = { formatVersion: 1, rows: segment.rows, hiddenSize: segment.hiddenSize, sha256 };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return [SEGMENT_MAGIC, length, json, segment.keys, features];
}

/** Parses and verifies a segment; returns the reason it is unusable (truncated, corrupted, other shape) instead of data. */
export function decodeSegment(bytes: Buffer, hiddenSize: number): Segment | { problem: string } {
  if (bytes.length < SEGMENT_MAGIC.length + 4 || !bytes.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC))
    return { problem: 'not a senti feature segment' };
  const jsonLength = bytes.readUInt32LE(SEGMENT_MAGIC.length);
  const payloadStart = SEGMENT_MAGIC.length + 4 + jsonLength;
  if (bytes.length < payloadStart)
    return { problem: `size ${bytes.length} bytes, shorter than its header (truncated)` };
  let header: SegmentHeader;
  try {
    header = JSON.parse(bytes.subarray(SEGMENT_MAGIC.length + 4, payloadStart).toString('utf8')) as SegmentHeader;
  } catch {
    return { problem: 'unreadable header' };
  }
  if (header.formatVersion !== 1 || header.hiddenSize !== hiddenSize || !Number.isInteger(header.rows))
    return { problem: 'unexpected header' };
  const keyBytes = header.rows * KEY_BYTES;
  const expected = payloadStart + keyBytes + header.rows * hiddenSize * 4;
  if (bytes.length !== expected)
    return { problem: `size ${bytes.length} bytes, expected ${expected} (truncated or padded)` };
  const payload = bytes.subarray(payloadStart);
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256)
    return { problem: 'checksum mismatch (corrupted)' };
  const keys = Buffer.from(payload.subarray(0, keyBytes));
  // Copy into an aligned buffer: the payload can start at any byte offset.
  const features = new Float32Array(header.rows * hiddenSize);
  Buffer.from(features.buffer).set(payload.subarray(keyBytes));
  return { keys, features, rows: header.rows, hiddenSize };
}
