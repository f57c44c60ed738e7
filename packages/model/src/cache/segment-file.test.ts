import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment, KEY_BYTES, textKey } from './segment-file.js';

describe('segment files', () => {
  const segment = {
    keys: Buffer.concat([textKey('a'), textKey('b')]),
    features: Float32Array.from([1, 2, 3, 4, 5, 6]),
    rows: 2,
    hiddenSize: 3,
  };
  const bytes = Buffer.concat(encodeSegment(segment));

  it('round-trips keys and features', () => {
    const decoded = decodeSegment(bytes, 3);
    expect(decoded).toEqual({ ...segment, keys: segment.keys });
    expect(textKey('a')).toHaveLength(KEY_BYTES);
  });

  it('reports every kind of damage', () => {
    expect(decodeSegment(bytes.subarray(0, bytes.length - 1), 3)).toEqual({
      problem: expect.stringMatching(/truncated/),
    });
    expect(decodeSegment(Buffer.concat([bytes, Buffer.from([0])]), 3)).toEqual({
      problem: expect.stringMatching(/padded/),
    });
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1]! ^= 1;
    expect(decodeSegment(flipped, 3)).toEqual({ problem: expect.stringMatching(/checksum/) });
    expect(decodeSegment(bytes, 4)).toEqual({ problem: 'unexpected header' });
    expect(decodeSegment(Buffer.from('nope'), 3)).toEqual({ problem: 'not a senti feature segment' });
  });
});
