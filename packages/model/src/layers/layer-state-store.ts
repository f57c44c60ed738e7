import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@senti/base';
import { KEY_BYTES } from '../cache/segment-file.js';
import { floatToHalf, halvesToFloats } from '@senti/onnx';
import type { StatesIdentity } from './states-encoder.js';

/** First bytes of every layer-state segment file. */
export const STATES_MAGIC = Buffer.from('SENTILS1', 'latin1');

/** How the states are stored: half precision (default, half the disk) or float32 (exact). */
export type StatesPrecision = 'fp16' | 'fp32';

/** One text's states: its key (sha1 of the text), token count and row-major [tokens, hidden] values. */
export interface StatesRow {
  key: Buffer;
  tokens: number;
  states: Float32Array;
}

/** A padded batch read from the store. */
export interface StatesBatch {
  /** [rows, sequenceLength, hidden], zeros at padding. */
  states: Float32Array;
  /** [rows, sequenceLength], 1 for real tokens. */
  attentionMask: Int32Array;
  sequenceLength: number;
}

interface SegmentHeader {
  formatVersion: 1;
  rows: number;
  hiddenSize: number;
  precision: StatesPrecision;
  tokens: number[];
  /** sha256 (hex) of the payload: keys, then the states. */
  sha256: string;
}

interface Located {
  fd: number;
  offset: number;
  tokens: number;
}

/**
 * Layer-(L-k) hidden states of texts on disk, one segment file per write (magic, JSON header with each row's token
 * count and the payload's sha256, keys, states), written atomically and verified by a streamed checksum when opened:
 * a truncated or corrupted segment is deleted and reported, and its texts are recomputed. Only real tokens are stored
 * (padding never changes them: attention masks it); reads are positioned reads of the rows a batch needs, so the
 * states are never all in memory.
 */
export class LayerStateStore {
  private readonly index = new Map<string, Located>();
  private readonly fds: number[] = [];
  /** Segment files found unusable and deleted. */
  readonly discarded: { file: string; problem: string }[] = [];

  private constructor(
    readonly dir: string,
    readonly hiddenSize: number,
    readonly precision: StatesPrecision,
  ) {}

  /** The store directory of an identity, max length and precision under `cacheDir`. */
  static dirFor(cacheDir: string, identity: StatesIdentity, maxLength: number, precision: StatesPrecision): string {
    const key = createHash('sha256')
      .update(JSON.stringify({ v: 1, ...identity, maxLength, precision }))
      .digest('hex')
      .slice(0, 32);
    return path.join(cacheDir, 'layer-states', key);
  }

  /** Opens (verifying every segment) or creates the store for this identity. */
  static async open(
    cacheDir: string,
    identity: StatesIdentity,
    maxLength: number,
    precision: StatesPrecision = 'fp16',
  ): Promise<LayerStateStore> {
    const dir = LayerStateStore.dirFor(cacheDir, identity, maxLength, precision);
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(
      path.join(dir, 'identity.json'),
      `${JSON.stringify({ formatVersion: 1, ...identity, maxLength, precision }, null, 2)}\n`,
    );
    const store = new LayerStateStore(dir, identity.hiddenSize, precision);
    const names = (await readdir(dir)).filter((name) => name.endsWith('.lss')).sort();
    for (const name of names) await store.load(path.join(dir, name));
    return store;
  }

  /** Number of texts stored. */
  get size(): number {
    return this.index.size;
  }

  /** Whether a text's states are stored (key: hex sha1 of the text). */
  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Bytes on disk of every segment. */
  async diskBytes(): Promise<number> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.lss'));
    const sizes = await Promise.all(names.map(async (name) => (await stat(path.join(this.dir, name))).size));
    return sizes.reduce((a, b) => a + b, 0);
  }

  /** Writes rows as one new segment (atomically) and makes them readable. */
  async append(rows: readonly StatesRow[]): Promise<void> {
    if (rows.length === 0) return;
    const keys = Buffer.concat(rows.map((row) => row.key));
    const width = this.precision === 'fp16' ? 2 : 4;
    const data = Buffer.alloc(rows.reduce((sum, row) => sum + row.tokens * this.hiddenSize, 0) * width);
    let at = 0;
    for (const row of rows) {
      if (row.states.length !== row.tokens * this.hiddenSize)
        throw new RangeError(
          `states of ${row.tokens} tokens must have ${row.tokens * this.hiddenSize} values, got ${row.states.length}`,
        );
      if (this.precision === 'fp16') {
        for (const value of row.states) at = data.writeUInt16LE(floatToHalf(value), at);
      } else {
        for (const value of row.states) at = data.writeFloatLE(value, at);
      }
    }
    const sha256 = createHash('sha256').update(keys).update(data).digest('hex');
    const header: SegmentHeader = {
      formatVersion: 1,
      rows: rows.length,
      hiddenSize: this.hiddenSize,
      precision: this.precision,
      tokens: rows.map((row) => row.tokens),
      sha256,
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    const file = path.join(
      this.dir,
      `${Date.now().toString().padStart(15, '0')}-${process.pid}-${randomBytes(4).toString('hex')}.lss`,
    );
    await writeFileAtomic(file, [STATES_MAGIC, length, json, keys, data]);
    this.register(file, header, STATES_MAGIC.length + 4 + json.length);
  }

  /** Reads the states of `keys` (hex sha1 of each text) into one batch padded to its longest text. */
  readBatch(keys: readonly string[]): StatesBatch {
    const located = keys.map((key) => {
      const found = this.index.get(key);
      if (found === undefined) throw new RangeError(`no layer states stored for text key ${key}`);
      return found;
    });
    const sequenceLength = located.reduce((most, entry) => Math.max(most, entry.tokens), -Infinity);
    const hidden = this.hiddenSize;
    const states = new Float32Array(keys.length * sequenceLength * hidden);
    const attentionMask = new Int32Array(keys.length * sequenceLength);
    const width = this.precision === 'fp16' ? 2 : 4;
    located.forEach(({ fd, offset, tokens }, row) => {
      const count = tokens * hidden;
      const bytes = Buffer.alloc(count * width);
      readSync(fd, bytes, 0, bytes.length, offset);
      const at = row * sequenceLength * hidden;
      if (this.precision === 'fp16') halvesToFloats(new Uint16Array(bytes.buffer, bytes.byteOffset, count), states, at);
      else states.set(new Float32Array(bytes.buffer, bytes.byteOffset, count), at);
      attentionMask.fill(1, row * sequenceLength, row * sequenceLength + tokens);
    });
    return { states, attentionMask, sequenceLength };
  }

  /** Closes the segment files. */
  close(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
    this.index.clear();
  }

  private async load(file: string): Promise<void> {
    const problem = await this.verify(file).catch((error: unknown) =>
      error instanceof Error ? error.message : String(error),
    );
    if (typeof problem === 'string') {
      this.discarded.push({ file, problem });
      await rm(file, { force: true });
      return;
    }
    this.register(file, problem.header, problem.payloadStart);
  }

  private register(file: string, header: SegmentHeader, payloadStart: number): void {
    const fd = openSync(file, 'r');
    this.fds.push(fd);
    const keys = Buffer.alloc(header.rows * KEY_BYTES);
    readSync(fd, keys, 0, keys.length, payloadStart);
    const width = header.precision === 'fp16' ? 2 : 4;
    let offset = payloadStart + keys.length;
    header.tokens.forEach((tokens, row) => {
      const key = keys.subarray(row * KEY_BYTES, (row + 1) * KEY_BYTES).toString('hex');
      if (!this.index.has(key)) this.index.set(key, { fd, offset, tokens });
      offset += tokens * this.hiddenSize * width;
    });
  }

  /** The header and payload start of a sound segment, or why it is unusable. */
  private async verify(file: string): Promise<{ header: SegmentHeader; payloadStart: number } | string> {
    const handle = await open(file, 'r');
    let header: SegmentHeader;
    let payloadStart: number;
    let size: number;
    try {
      size = (await handle.stat()).size;
      const start = Buffer.alloc(STATES_MAGIC.length + 4);
      await handle.read(start, 0, start.length, 0);
      if (size < start.length || !start.subarray(0, STATES_MAGIC.length).equals(STATES_MAGIC))
        return 'not a senti layer-state segment';
      const jsonLength = start.readUInt32LE(STATES_MAGIC.length);
      payloadStart = start.length + jsonLength;
      if (size < payloadStart) return `size ${size} bytes, shorter than its header (truncated)`;
      const json = Buffer.alloc(jsonLength);
      await handle.read(json, 0, jsonLength, start.length);
      try {
        header = JSON.parse(json.toString('utf8')) as SegmentHeader;
      } catch {
        return 'unreadable header';
      }
    } finally {
      await handle.close();
    }
    if (
      header.formatVersion !== 1 ||
      header.hiddenSize !== this.hiddenSize ||
      header.precision !== this.precision ||
      header.tokens?.length !== header.rows
    )
      return 'unexpected header';
    const width = header.precision === 'fp16' ? 2 : 4;
    const expected =
      payloadStart + header.rows * KEY_BYTES + header.tokens.reduce((a, b) => a + b, 0) * this.hiddenSize * width;
    if (size !== expected) return `size ${size} bytes, expected ${expected} (truncated or padded)`;
    const digest = createHash('sha256');
    await new Promise<void>((resolve, reject) => {
      createReadStream(file, { start: payloadStart, highWaterMark: 1 << 20 })
        .on('data', (chunk) => digest.update(chunk))
        .on('error', reject)
        .on('end', resolve);
    });
    if (digest.digest('hex') !== header.sha256) return 'checksum mismatch (corrupted)';
    return { header, payloadStart };
  }
}
