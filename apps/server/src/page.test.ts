// The demo page in headless Chromium: type a sentence, click Predict, read the result.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentiModel } from '@senti/model';
import { createServer, type SentiServer } from './app.js';
import { loadTestModel, makeTestArtifact, TEST_LABELS } from './test-support/real-model.js';

const CHROMIUM = '/usr/bin/chromium';

let cleanup: (() => Promise<void>) | undefined;
let model: SentiModel;
let server: SentiServer | undefined;
let browser: Browser | undefined;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: this test needs it; install it with: apt-get update && apt-get install -y chromium`);
  }
  const artifact = await makeTestArtifact();
  cleanup = artifact.cleanup;
  model = await loadTestModel(artifact.dir);
  server = createServer({ loadModel: async () => model });
  base = await server.listen({ port: 0, host: '127.0.0.1' });
  await server.ready;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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

  it('shows the server error message for an empty input', async () => {
    const page = await browser!.newPage();
    await page.goto(`${base}/`);
    await page.click('#predict');
    expect(await page.textContent('#error')).toBe('Type a sentence first.');
    await page.close();
  });
});
