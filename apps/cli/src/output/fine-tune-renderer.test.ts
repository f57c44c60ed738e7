import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ConsoleOutput } from './console-output.js';
import { fineTuneRenderer } from './fine-tune-renderer.js';

describe('epoch progress bars', () => {
  it('show a real rate and ETA in every epoch, also when the first step event of an epoch arrives late', async () => {
    let text = '';
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { text += chunk.toString(); done(); } });
    const output = new ConsoleOutput({ stdout: stream, stderr: stream, interactive: true });
    const render = fineTuneRenderer(output, { data: 'x.csv', seed: 1, dtype: 'auto' });
    render({ type: 'start', epochs: 2, stepsPerEpoch: 20, startEpoch: 1 });
    for (const epoch of [1, 2]) {
      await sleep(60);
      // One step event per epoch, halfway through (events are throttled in train()).
      render({ type: 'step', epoch, step: 10, stepsPerEpoch: 20, loss: 0.5, elapsedMs: 0, etaMs: 1000 });
      render({ type: 'epoch', epoch, trainLoss: 0.5, valLoss: 0.5, valAccuracy: 0.5, improved: true, elapsedMs: 0, etaMs: 0 });
    }
    const bars = text.split('\r').filter((part) => part.includes('steps/s'));
    expect(bars).toHaveLength(2);
    for (const bar of bars) {
      expect(bar).not.toMatch(/ 0\.0 steps\/s/);
      expect(bar).not.toContain('ETA --');
      // 10 steps in the >= 60 ms since the epoch began: a bar timed from its first event would show 0 or thousands.
      expect(Number(/ (\d+(?:\.\d)?) steps\/s/.exec(bar)![1])).toBeLessThan(400);
    }
    expect(bars[1]).toMatch(/epoch 2\/2 \[#+\.+\] 10\/20 \d+ steps\/s ETA/);
  });
});
