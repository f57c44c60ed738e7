import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SentiServer } from './app.js';
import { loadTestModel, makeTestArtifact } from './testing/real-model.js';

interface Answer {
  label: string | null;
  score: number;
  abstained?: boolean;
  probabilities: Record<string, number>;
}

let cleanup: () => Promise<void>;
let plain: SentiServer;
let cautious: SentiServer;
const texts = ['a great film', 'dull and far too long', 'ok'];

beforeAll(async () => {
  const artifact = await makeTestArtifact();
  cleanup = artifact.cleanup;
  plain = createServer({ loadModel: () => loadTestModel(artifact.dir) });
  cautious = createServer({ loadModel: () => loadTestModel(artifact.dir), abstainBelow: 1 });
  await Promise.all([plain.ready, cautious.ready]);
});
afterAll(async () => {
  await plain?.close();
  await cautious?.close();
  await cleanup?.();
});

async function predict(server: SentiServer, body: object): Promise<Answer[]> {
  const response = await server.app.inject({ method: 'POST', url: '/v1/predict', payload: body });
  expect(response.statusCode).toBe(200);
  return (response.json() as { predictions: Answer[] }).predictions;
}

describe('POST /v1/predict abstention', () => {
  it('answers as before without a threshold (no abstained field)', async () => {
    const answers = await predict(plain, { texts });
    expect(answers.every((answer) => typeof answer.label === 'string' && !('abstained' in answer))).toBe(true);
  });

  it('a request threshold withholds the label below it and keeps the probabilities', async () => {
    const answers = await predict(plain, { texts });
    const middle = [...answers.map((answer) => answer.score)].sort((a, b) => a - b)[1]!;
    const abstaining = await predict(plain, { texts, abstainBelow: middle });
    abstaining.forEach((answer, index) => {
      const below = answers[index]!.score < middle;
      expect(answer.abstained).toBe(below);
      expect(answer.label).toBe(below ? null : answers[index]!.label);
      expect(answer.probabilities).toEqual(answers[index]!.probabilities);
    });
  });

  it("the server's --abstain-below is the default and a request overrides it", async () => {
    expect((await predict(cautious, { texts })).every((answer) => answer.abstained && answer.label === null)).toBe(
      true,
    );
    expect(
      (await predict(cautious, { texts, abstainBelow: 0 })).every(
        (answer) => answer.abstained === false && answer.label !== null,
      ),
    ).toBe(true);
  });
});
