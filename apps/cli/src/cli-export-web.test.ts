// `senti export --web`: the page in the export classifies in Debian's Chromium, served by a plain static file server on
// loopback, with no network, and gives the scores `senti predict` gives.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewRows } from '@senti/fixtures';
import { loadModel } from '@senti/model';
import { fineTune } from '@senti/train';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './testing/run-in-process.js';
import { TINY_BERT } from './testing/run-cli.js';
import { serveDirectory } from './testing/static-server.js';

const CHROMIUM = '/usr/bin/chromium';
const TEXTS = ['what a wonderful film', 'dull and far too long', 'the plot was fine'];

let dir: string;
let modelDir: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: this test needs it; install it with: apt-get update && apt-get install -y chromium`,
    );
  }
  dir = await mkdtemp(join(tmpdir(), 'senti-export-web-'));
  modelDir = join(dir, 'model');
  // int8 (the CPU default): the export's model_quantized.onnx, which the page runs, is the same per-token int8 graph.
  const rows = syntheticReviewRows({ rows: 120, classes: ['negative', 'positive'], seed: 4 });
  const result = await fineTune({
    data: rows,
    model: TINY_BERT,
    offline: true,
    device: 'cpu',
    dtype: 'int8',
    pooling: 'mean',
    epochs: 2,
    learningRate: 3e-3,
    cache: false,
  });
  await result.model.save(modelDir);
  await result.model.dispose();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('senti export --web', { timeout: 180_000 }, () => {
  it('writes a page that classifies offline in Chromium with the scores of senti predict (within 1e-4)', async () => {
    const out = join(dir, 'exported');
    const exported = await runInProcess(['export', '--model-dir', modelDir, out, '--web', '--offline']);
    expect(exported.code, exported.stderr).toBe(0);
    for (const file of [
      'index.html',
      'vendor/transformers.min.js',
      'wasm/ort-wasm-simd-threaded.asyncify.wasm',
      'onnx/model_quantized.onnx',
    ])
      expect(existsSync(join(out, file)), file).toBe(true);
    const card = await readFile(join(out, 'README.md'), 'utf8');
    expect(card).toContain('env.allowRemoteModels = false');
    expect(card).toContain('index.html');
    expect(card).not.toContain('senti predict --model-dir ./this-model-dir');

    const predicted = await runInProcess(['predict', '--model-dir', modelDir, '--json', ...TEXTS]);
    expect(predicted.code, predicted.stderr).toBe(0);
    const expected = JSON.parse(predicted.stdout) as { label: string; probabilities: Record<string, number> }[];

    // senti predict takes the run/model directory, and says so when given the export.
    const wrongDir = await runInProcess(['predict', '--model-dir', out, 'a text']);
    expect(wrongDir.code).toBe(1);
    expect(wrongDir.stderr).toMatch(
      /is an export \(Hugging Face layout: config\.json, onnx\/\), not a senti model directory .*pass the run directory \(or its model\/ folder\) it was exported from/,
    );

    const served = await serveDirectory(out);
    const page = await browser!.newPage();
    const offsite: string[] = [];
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(served.url)) return route.continue();
      offsite.push(route.request().url());
      return route.abort();
    });
    try {
      await page.goto(served.url);
      // (strings run in the page: this package is type-checked without the DOM library)
      await page.waitForFunction(
        "!document.getElementById('classify').disabled || document.getElementById('error').textContent !== ''",
        undefined,
        { timeout: 120_000 },
      );
      expect(await page.textContent('#error')).toBe('');
      await page.fill('#texts', TEXTS.join('\n'));
      await page.click('#classify');
      await page.waitForSelector('#status:has-text("done")', { timeout: 120_000 });
      const rows = (await page.evaluate(
        "[...document.querySelectorAll('.result')].map((row) => ({ label: row.dataset.label, scores: Object.fromEntries([...row.querySelectorAll('.score')].map((score) => [score.dataset.label, Number(score.dataset.score)])) }))",
      )) as { label: string; scores: Record<string, number> }[];
      expect(rows).toHaveLength(TEXTS.length);
      rows.forEach((row, index) => {
        expect(row.label).toBe(expected[index]!.label);
        for (const [label, probability] of Object.entries(expected[index]!.probabilities))
          expect(Math.abs(row.scores[label]! - probability)).toBeLessThan(1e-4);
      });
      // The words behind each prediction, computed in the page as the library computes them (same words, same scores).
      const library = await loadModel(modelDir, { offline: true, device: 'cpu' });
      const explained = await library.explain(TEXTS);
      await library.dispose();
      const marked = (await page.evaluate(
        "[...document.querySelectorAll('.result')].map((row) => [...row.querySelectorAll('.words .w')].map((word) => ({ word: word.firstChild.textContent, score: Number(word.dataset.score) })))",
      )) as { word: string; score: number }[][];
      marked.forEach((words, index) => {
        expect(words.map((word) => word.word)).toEqual(explained[index]!.words.map((word) => word.word));
        words.forEach((word, position) =>
          expect(Math.abs(word.score - explained[index]!.words[position]!.score)).toBeLessThan(5e-4),
        );
      });
      expect(await page.isVisible('#legend')).toBe(true);
      if (process.env.SENTI_SCREENSHOTS)
        await page.screenshot({ path: `${process.env.SENTI_SCREENSHOTS}/export-web-page.png`, fullPage: true });
      expect(offsite).toEqual([]);
      expect(served.requests).toContain('/wasm/ort-wasm-simd-threaded.asyncify.wasm');
    } finally {
      await page.close();
      await served.close();
    }
  });
});
