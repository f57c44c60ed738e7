import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ConsoleOutput } from './console-output.js';
import { fineTuneRenderer } from './fine-tune-renderer.js';

describe('epoch progress bars', () => {
  it('show a real rate and ETA in every epoch, also when the first step event of an epoch arrives late', async () => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const output = new ConsoleOutput({ stdout: stream, stderr: stream, interactive: true });
    const render = fineTuneRenderer(output, { data: 'x.csv' });
    render({ type: 'start', epochs: 2, stepsPerEpoch: 20, startEpoch: 1 });
    for (const epoch of [1, 2]) {
      await sleep(60);
      // One step event per epoch, halfway through (events are throttled in train()).
      render({ type: 'step', epoch, step: 10, stepsPerEpoch: 20, loss: 0.5, elapsedMs: 0, etaMs: 1000 });
      render({
        type: 'epoch',
        epoch,
        trainLoss: 0.5,
        valLoss: 0.5,
        valAccuracy: 0.5,
        improved: true,
        elapsedMs: 0,
        etaMs: 0,
      });
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

describe('download progress', () => {
  const capture = (interactive: boolean) => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const render = fineTuneRenderer(new ConsoleOutput({ stdout: stream, stderr: stream, interactive }), {
      data: 'x.csv',
    });
    return { render, text: () => text };
  };
  const file = (name: string, total: number) =>
    [
      { type: 'download-start', repo: 'org/m', file: name, total, resumedFrom: 0 },
      { type: 'download', repo: 'org/m', file: name, bytes: total / 2, total, bytesPerSecond: 1e6, etaSeconds: 1 },
      { type: 'download', repo: 'org/m', file: name, bytes: total, total, bytesPerSecond: 1e6, etaSeconds: 0 },
      { type: 'download-done', repo: 'org/m', file: name, total, seconds: 2 },
    ] as const;

  it('draws one bar per large file in place on a terminal, in MB, and nothing for small files', () => {
    const { render, text } = capture(true);
    for (const event of [...file('config.json', 600), ...file('onnx/model.onnx', 438_000_000)]) render(event);
    expect(text()).not.toContain('config.json');
    expect(text()).toMatch(
      /\rDownloading org\/m\/onnx\/model\.onnx \[#{20}\] 438\/438 .*in [\d.]+m?s {2}checked\x1b\[K\n$/,
    );
  });

  it('prints whole lines when not a terminal', () => {
    const { render, text } = capture(false);
    for (const event of file('model.safetensors', 4_000_000)) render(event);
    const lines = text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Downloading org\/m\/model\.safetensors \[\.{20}\] 0\/4 MB ETA --$/);
    expect(lines.at(-1)).toMatch(/^Downloading org\/m\/model\.safetensors \[#{20}\] 4\/4 .* {2}checked$/);
    expect(text()).not.toContain('\r');
  });
});

describe('the compute section', () => {
  const compute = (error: string) => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const render = fineTuneRenderer(new ConsoleOutput({ stdout: stream, stderr: stream, interactive: false }), {
      data: 'x.csv',
    });
    render({
      type: 'compute',
      dtypeRequested: 'auto',
      encoder: { model: 'm', dtype: 'q8', pooling: 'mean', hiddenSize: 32 } as never,
      device: { used: 'cpu' } as never,
      backend: { name: 'wasm', gpu: false, tried: [{ name: 'tensorflow', error }, { name: 'wasm' }] } as never,
    });
    return text;
  };

  it("says nothing about tfjs-node's missing native binary on the default path, but names a real load failure (#28 item 20)", () => {
    expect(
      compute(
        "@tensorflow/tfjs-node's native binary is not installed (its install script, which downloads libtensorflow, was not run or could not reach the network)",
      ),
    ).not.toMatch(/native binary|used because/);
    expect(compute('@tensorflow/tfjs-node failed to load: libtensorflow.so.2: cannot open shared object file')).toMatch(
      /the wasm backend is used because @tensorflow\/tfjs-node failed to load/,
    );
  });
});

describe('the encoding bar', () => {
  it('says repeated texts share features instead of leaving "2973 encoded" of 2990 unexplained (#28 item 24, --preset tutorial)', () => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const render = fineTuneRenderer(new ConsoleOutput({ stdout: stream, stderr: stream, interactive: false }), {
      data: 'x.csv',
    });
    render({ type: 'encode', done: 1000, total: 2990 });
    render({ type: 'encode', done: 2973, total: 2990 });
    render({ type: 'encoded', hits: 0, misses: 2973, discarded: [], seconds: 1 });
    const last = text
      .split(/[\r\n]/)
      .filter((line) => line.includes('Encoding'))
      .at(-1)!;
    expect(last).toMatch(/2,?990\/2,?990/);
    expect(last).toMatch(/0 cached, 2973 encoded, 17 repeated texts share their features/);
  });
});

describe('warnings', () => {
  it('prints the one-class warning of fineTune once, naming the CLI flags instead of the library words', () => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const render = fineTuneRenderer(new ConsoleOutput({ stdout: stream, stderr: stream, interactive: false }), {
      data: 'x.csv',
    });
    render({
      type: 'warning',
      code: 'one-class-predicted',
      message:
        'the model predicts "positive" for every one of the 449 test texts: it has not learned to tell the classes apart (try more epochs, a higher learning rate, or mean pooling)',
    });
    expect(text).toBe(
      'warning: the model predicts "positive" for every one of the 449 test texts: it has not learned to tell the classes apart (try more --epochs, a higher --lr, or --pooling mean)\n',
    );
  });
});
