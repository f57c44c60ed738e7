import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleOutput, runsInCi } from './console-output.js';

function capture(): { output: ConsoleOutput; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { output: new ConsoleOutput({ stdout: stream, stderr: stream, interactive: false }), text: () => text };
}

describe('progress lines', () => {
  it('a bar created after work began shows no rate and no ETA on its first line (not "0.0 texts/s")', () => {
    const { output, text } = capture();
    output.progress('Encoding', 3000, 'texts').update(32);
    expect(text()).toBe('Encoding [....................] 32/3000 texts ETA --\n');
  });

  it('the rate counts only what was done after the first update', () => {
    const { output, text } = capture();
    const bar = output.progress('Encoding', 3000, 'texts');
    bar.update(1000);
    const started = Date.now();
    while (Date.now() - started < 20) {
      // busy-wait: the clock must move so that a second point exists
    }
    bar.update(1500);
    const line = text().split('\n')[1]!;
    const rate = Number(/ (\d+(?:\.\d)?) texts\/s/.exec(line)![1]);
    // 500 texts in >= 20 ms is at most 25,000/s; counting the 1000 done before the first update would allow 75,000/s.
    expect(rate).toBeLessThanOrEqual(25_000);
    expect(line).toMatch(/ETA \d/);
  });
});

describe('CI detection', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['true', true],
    ['1', true],
    ['woodpecker', true],
  ] as const)('CI=%s -> %s', (value, expected) => {
    expect(runsInCi(value)).toBe(expected);
  });
});
