// The demo page in headless Chromium: type a sentence, click Predict, read the result.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SentiModel } from '@senti/model';
import { loadModelInThread } from '@senti/model/serving';
import { createServer, type SentiServer } from './app.js';
import { loadTestModel, makeTestArtifact, TEST_LABELS } from './testing/real-model.js';

const CHROMIUM = '/usr/bin/chromium';

let cleanup: (() => Promise<void>) | undefined;
let model: SentiModel;
let server: SentiServer | undefined;
let browser: Browser | undefined;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: this test needs it; install it with: apt-get update && apt-get install -y chromium`,
    );
  }
  const artifact = await makeTestArtifact();
  cleanup = artifact.cleanup;
  model = await loadTestModel(artifact.dir);
  server = createServer({ loadModel: async () => model });
  base = await server.listen({ port: 0, host: '127.0.0.1' });
  await server.ready;
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
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await cleanup?.();
});

describe('demo page', () => {
  it('shows the predicted label and one probability bar per label', async () => {
    const page = await browser!.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    await page.goto(`${base}/`);
    await expect.poll(() => page.textContent('#model')).toContain('labels: negative, neutral, positive');

    const sentence = 'What a wonderful little place.';
    await page.fill('#texts', sentence);
    await page.click('#predict');
    await page.waitForSelector('.result');

    const [expected] = await model.predict([sentence]);
    const result = page.locator('.result').first();
    expect(await result.getAttribute('data-label')).toBe(expected!.label);
    expect(await result.locator('.text').textContent()).toContain(sentence);
    expect(await result.locator('.bar .name').allTextContents()).toEqual(TEST_LABELS);
    const shown = (await result.locator('.bar .value').allTextContents()).map(Number);
    TEST_LABELS.forEach((label, i) => expect(shown[i]).toBeCloseTo(expected!.probabilities[label]!, 3));
    expect(await page.textContent('#error')).toBe('');
    expect(failedRequests).toEqual([]);
    await page.close();
  });

  it("highlights the words behind each prediction with the library's scores, and a legend explains the colours", async () => {
    // A decisive head (scaled weights), so words visibly move the prediction; served on the model thread like senti-server.
    const decisive = await makeTestArtifact({ headScale: 2, pooling: 'mean' });
    const explaining = createServer({
      loadModel: () => loadModelInThread(decisive.dir, { offline: true, device: 'cpu' }),
    });
    const explainBase = await explaining.listen({ port: 0, host: '127.0.0.1' });
    await explaining.ready;
    const local = await loadTestModel(decisive.dir);
    try {
      const page = await browser!.newPage({ viewport: { width: 900, height: 700 } });
      await page.goto(`${explainBase}/`);
      await expect.poll(() => page.textContent('#model')).toContain('labels:');
      const sentences = ['What a wonderful little place.', 'Dull, cold food and a rude waiter.'];
      await page.fill('#texts', sentences.join('\n'));
      await page.click('#predict');
      await page.waitForSelector('.result .words');
      const explanations = await local.explain(sentences);
      expect(explanations.some((explanation) => explanation.words.some((word) => Math.abs(word.score) >= 0.02))).toBe(
        true,
      );
      for (const [index, explanation] of explanations.entries()) {
        const box = page.locator('.result').nth(index);
        expect(await box.locator('.words').textContent()).toContain(explanation.words[0]!.word);
        expect(await box.locator('.words .w').count()).toBe(explanation.words.length);
        const marks = (await box.locator('.words .w sub').allTextContents()).map((text) =>
          Number(text.replace('\u2212', '-')),
        );
        const shown = explanation.words
          .filter((word) => Math.abs(word.score) >= 0.005)
          .map((word) => Number(word.score.toFixed(2)));
        expect(marks).toEqual(shown);
        expect(await box.locator('.note').textContent()).toBe(explanation.coverage.note);
      }
      expect(await page.isVisible('#legend')).toBe(true);
      expect(await page.textContent('#legend')).toContain('green words support the prediction');
      if (process.env.SENTI_SCREENSHOTS)
        await page.screenshot({ path: `${process.env.SENTI_SCREENSHOTS}/server-page.png`, fullPage: true });
      await page.uncheck('#explain');
      await page.click('#predict');
      await expect.poll(() => page.locator('.result .words').count()).toBe(0);
      expect(await page.isVisible('#legend')).toBe(false);
      await page.close();
    } finally {
      await local.dispose();
      await explaining.close();
      await decisive.cleanup();
    }
  });

  it('shows the server error message for an empty input', async () => {
    const page = await browser!.newPage();
    await page.goto(`${base}/`);
    await page.click('#predict');
    expect(await page.textContent('#error')).toBe('Type a sentence first.');
    await page.close();
  });
});
