import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/index.js';
import { createHead } from '../head/index.js';
import { exportCardText } from '../export/export-card.js';
import { modelCardText, readManifest, saveModel, writeModelCard } from './index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-card-'));
  await selectBackend({ device: 'cpu' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function savedModel(name: string): Promise<string> {
  const head = createHead({ inputSize: 32, numClasses: 2, hiddenSize: 16 }, { seed: 1 });
  const dir = join(root, name);
  const encoder = {
    model: 'Xenova/bert-base-uncased',
    fileHash: 'a'.repeat(64),
    dtype: 'int8' as const,
    pooling: 'pooler' as const,
    hiddenSize: 32,
  };
  await saveModel(dir, { head, encoder, maxLength: 17, labelNames: ['negative', 'positive: "quoted"'] });
  head.dispose();
  return dir;
}

function split(card: string): { meta: Record<string, unknown>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(card);
  expect(match).not.toBeNull();
  return { meta: parseYaml(match![1]!) as Record<string, unknown>, body: match![2]! };
}

describe('writeModelCard', () => {
  it('writes README.md with Hugging Face front matter and every section', async () => {
    const dir = await savedModel('full');
    const report =
      '              precision    recall  f1-score   support\n\n    negative       0.80      0.75      0.77        20\n';
    const file = await writeModelCard(dir, {
      name: 'Review sentiment',
      license: 'mit',
      language: ['en'],
      data: {
        name: 'uci-sentences',
        rows: 2990,
        textColumn: 'sentence',
        labelColumn: 'label',
        labelCounts: { negative: 1495, 'positive: "quoted"': 1495 },
      },
      split: { train: 2093, validation: 448, test: 449, seed: 42 },
      hyperparameters: { epochs: 10, 'batch size': 32, 'learning rate': 0.001 },
      testReport: {
        text: report,
        accuracy: 0.8,
        macroF1: 0.79,
        weightedF1: 0.78,
        rocAuc: 0.85,
        confusionMatrix: [
          [15, 5],
          [4, 16],
        ],
      },
    });
    expect(file).toBe(join(dir, 'README.md'));
    const { meta, body } = split(await readFile(file, 'utf8'));
    expect(meta).toMatchObject({
      pipeline_tag: 'text-classification',
      base_model: 'Xenova/bert-base-uncased',
      license: 'mit',
      language: ['en'],
      labels: ['negative', 'positive: "quoted"'],
      metrics: ['accuracy', 'f1', 'roc_auc'],
    });
    const results = (
      meta['model-index'] as { name: string; results: { metrics: { type: string; value: number }[] }[] }[]
    )[0]!;
    expect(results.name).toBe('Review sentiment');
    expect(results.results[0]!.metrics).toContainEqual(expect.objectContaining({ type: 'accuracy', value: 0.8 }));
    expect(results.results[0]!.metrics).toContainEqual(expect.objectContaining({ type: 'roc_auc', value: 0.85 }));
    for (const heading of [
      '# Review sentiment',
      '## Data',
      '## Split',
      '## Hyperparameters',
      '## Test report',
      '## Intended use and limits',
      '## How to load',
    ]) {
      expect(body).toContain(`\n${heading}\n`);
    }
    expect(body).toContain(report.trimEnd());
    expect(body).toContain('train 2093, validation 448 and test 449 rows (seed 42)');
    expect(body).toContain('| learning rate | 0.001 |');
    expect(body).toContain('| negative | 15 | 5 |');
    expect(body).toContain("pipeline('text-classification'");
    expect(body).toContain('longer than 17 tokens are truncated');
  });

  it('says each hyperparameter once, names calibration and abstention, and loads the graph it measured (#28 item 23)', async () => {
    const dir = await savedModel('honest');
    const card = await readFile(
      await writeModelCard(dir, {
        hyperparameters: {
          maxLength: 17,
          dtype: 'int8',
          pooling: 'pooler',
          encoder: '/home/someone/models/bert',
          epochs: 10,
        },
      }),
      'utf8',
    );
    const { body } = split(card);
    // The encoder is named once, as the Hub knows it; fineTune's setting may be a local path.
    expect(body).not.toContain('/home/someone');
    expect(body.match(/Xenova\/bert-base-uncased\]/g)).toHaveLength(1);
    expect(body).not.toContain('| maxLength |');
    expect(body).not.toContain('| dtype |');
    expect(body).toContain('| epochs | 10 |');
    expect(body).toContain('\n## Calibration and abstention\n');
    expect(body).toContain('Probabilities are not calibrated');
    expect(body).toContain('No default abstention threshold');
    // An int8 model: the quantized graph (measured), not { dtype: 'fp32' } (which the export card marks "not measured").
    expect(body).toContain("pipeline('text-classification', 'exported');");
    expect(body).not.toContain("'exported', { dtype: 'fp32' }");
  });

  it('states the test ECE of a calibrated model and what its default threshold answers (#28 item 23)', async () => {
    const head = createHead({ inputSize: 32, numClasses: 2, hiddenSize: 16 }, { seed: 1 });
    head.setTemperature(1.7);
    const dir = join(root, 'calibrated');
    const encoder = {
      model: 'Xenova/bert-base-uncased',
      fileHash: 'a'.repeat(64),
      dtype: 'int8' as const,
      pooling: 'pooler' as const,
      hiddenSize: 32,
    };
    await saveModel(dir, {
      head,
      encoder,
      maxLength: 17,
      labelNames: ['negative', 'positive'],
      abstention: { threshold: 0.83, targetAccuracy: 0.95 },
    });
    head.dispose();
    const { body } = split(
      await readFile(
        await writeModelCard(dir, {
          calibration: { eceBefore: 0.081, eceAfter: 0.023 },
          abstention: { valAccuracy: 0.951, valCoverage: 0.72, testAccuracy: 0.94, testCoverage: 0.7 },
        }),
        'utf8',
      ),
    );
    expect(body).toContain('softmax(logits / 1.7000)');
    expect(body).toContain('Expected calibration error on the test split (15 bins): 0.0810 before, 0.0230 after.');
    expect(body).toContain('below 0.8300 (picked for accuracy 0.95 on the validation split)');
    expect(body).toContain(
      'It answers 72.0% of the validation texts (accuracy 0.9510) and 70.0% of the test texts (accuracy 0.9400)',
    );
  });

  it.each([
    ['fp32', false],
    ['fp16', false],
    ['int8', false],
    ['q8', false],
    ['fp32', true],
    ['int8', true],
    ['q8', true],
  ] as const)(
    '%s encoder, fine-tuned layers %s: the card recommends only a graph the export card measured (#28 item 23)',
    async (dtype, tuned) => {
      const base = await readManifest(await savedModel(`graph-${dtype}-${tuned}`));
      const manifest = {
        ...base,
        encoder: { ...base.encoder, dtype },
        metrics: { test: { accuracy: 0.8125, macroF1: 0.8 } },
        ...(tuned
          ? {
              tunedLayers: {
                firstLayer: 1,
                count: 1,
                pooling: 'pooler',
                statesRoute: 'onnx',
                dtype,
                file: 'tuned.bin',
                sha256: 'b'.repeat(64),
                tensors: [],
              } as never,
            }
          : {}),
      };
      const quantizedWritten = (dtype === 'int8' || dtype === 'q8') && !tuned;
      const exportCard = exportCardText(manifest, {
        files: ['onnx/model.onnx', ...(quantizedWritten ? ['onnx/model_quantized.onnx'] : [])],
      });
      const row = (file: string) => exportCard.split('\n').find((line) => line.startsWith(`| \`${file}\``));
      const { body } = split(modelCardText(manifest));
      const loadsFp32 = body.includes("pipeline('text-classification', 'exported', { dtype: 'fp32' });");
      const loaded = row(loadsFp32 ? 'onnx/model.onnx' : 'onnx/model_quantized.onnx');
      expect(loaded).toBeDefined();
      if (loaded!.includes('not measured')) {
        // No graph of the export was measured: the card says so instead of recommending one.
        expect(exportCard).not.toContain('0.8125');
        expect(body).toContain('which was not measured: the test report above ran them over the');
      } else {
        expect(loaded).toContain('0.8125');
      }
    },
  );

  it('says "Not recorded." for what it was not told, and still parses', async () => {
    const dir = await savedModel('bare');
    const { meta, body } = split(await readFile(await writeModelCard(dir), 'utf8'));
    expect(meta).toMatchObject({ pipeline_tag: 'text-classification', labels: ['negative', 'positive: "quoted"'] });
    expect(meta['model-index']).toBeUndefined();
    expect(body.match(/Not recorded\./g)).toHaveLength(3);
  });

  it('names the directory when there is no model in it', async () => {
    await expect(writeModelCard(join(root, 'none'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});
