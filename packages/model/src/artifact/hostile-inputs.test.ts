// The model artifact's table of hostile inputs: a damaged or edited model directory -> error code and message.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/index.js';
import { loadEncoder, type Encoder } from '../encoder/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { createHead, type ClassificationHead } from '../head/index.js';
import { loadModel, saveModel, type SentiManifest } from './index.js';

let root: string;
let encoder: Encoder;
let head: ClassificationHead;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-hostile-model-'));
  await selectBackend({ device: 'cpu' });
  encoder = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu' });
  head = createHead({ inputSize: encoder.info.hiddenSize, numClasses: 2, hiddenSize: 16 }, { seed: 3 });
});

afterAll(async () => {
  head.dispose();
  await encoder.dispose();
  await rm(root, { recursive: true, force: true });
});

type Manifest = SentiManifest & Record<string, unknown>;
/** A manifest part as a plain object, to write values of the wrong type into it. */
const loose = (value: object) => value as Record<string, unknown>;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Row {
  name: string;
  /** Change the saved manifest (a plain JSON object). */
  manifest?: (manifest: Manifest) => void;
  /** Replace the saved head.bin bytes (the manifest's sha256 follows when `rehash`). */
  headBin?: (bytes: Buffer) => Buffer;
  rehash?: boolean;
  /** Raw senti.json text instead of the (changed) manifest. */
  rawManifest?: string;
  /** Other damage to the directory (after the above). */
  damage?: (dir: string) => Promise<string | void>;
  error?: { code: string; message: string };
  /** For rows that must load: the labels the loaded model predicts with. */
  labels?: string[];
}

const rows: Row[] = [
  // Labels vs head (issue #12 item 3)
  {
    name: '3 label names, 2-class head',
    manifest: (m) => {
      m.labelNames = ['neg', 'neu', 'pos'];
    },
    error: {
      code: 'MODEL_LABELS_MISMATCH',
      message: 'names 3 labels ("neg", "neu", "pos") but its head has 2 classes',
    },
  },
  {
    name: '1 label name, 2-class head',
    manifest: (m) => {
      m.labelNames = ['only'];
    },
    error: { code: 'MODEL_LABELS_MISMATCH', message: 'names 1 label ("only") but its head has 2 classes' },
  },
  {
    name: 'no label names',
    manifest: (m) => {
      m.labelNames = [];
    },
    error: { code: 'MODEL_LABELS_MISMATCH', message: 'names 0 labels () but its head has 2 classes' },
  },
  {
    name: 'the same label twice',
    manifest: (m) => {
      m.labelNames = ['pos', 'pos'];
    },
    error: { code: 'MODEL_LABELS_MISMATCH', message: 'names label "pos" twice' },
  },
  {
    name: 'label names not an array',
    manifest: (m) => {
      loose(m).labelNames = 'neg,pos';
    },
    error: { code: 'MODEL_CORRUPT', message: '"labelNames" must be an array of strings' },
  },
  {
    name: 'a label name that is a number',
    manifest: (m) => {
      loose(m).labelNames = [0, 1];
    },
    error: { code: 'MODEL_CORRUPT', message: '"labelNames" must be an array of strings' },
  },
  {
    name: 'label names with control characters, wrong count',
    manifest: (m) => {
      m.labelNames = ['a\0', 'b\x1b[2J', 'c'];
    },
    error: { code: 'MODEL_LABELS_MISMATCH', message: '("a\\0", "b\\x1b[2J", "c")' },
  },
  {
    name: 'label names with control characters, right count, load fine',
    manifest: (m) => {
      m.labelNames = ['neg\t', 'pos\n'];
    },
    labels: ['neg\t', 'pos\n'],
  },
  // Head config vs tensors vs head.bin
  {
    name: '3 classes in config and labels, tensors listed for 2',
    manifest: (m) => {
      m.labelNames = ['a', 'b', 'c'];
      m.head.numClasses = 3;
    },
    error: {
      code: 'MODEL_SHAPE_MISMATCH',
      message: 'tensor "fc2.weight" has shape [16, 2] but the head (32 -> 16 -> 3) needs [16, 3]',
    },
  },
  {
    name: 'hidden size edited consistently, head.bin too small',
    manifest: (m) => {
      m.head.hiddenSize = 8;
      m.weights.tensors = [
        { name: 'fc1.weight', shape: [32, 8] },
        { name: 'fc1.bias', shape: [8] },
        { name: 'fc2.weight', shape: [8, 2] },
        { name: 'fc2.bias', shape: [2] },
      ];
    },
    error: {
      code: 'MODEL_SHAPE_MISMATCH',
      message: 'has 2248 bytes but the head in senti.json (32 -> 8 -> 2) needs 1128',
    },
  },
  {
    name: 'head input wider than the encoder',
    manifest: (m) => {
      m.head.inputSize = 768;
    },
    error: { code: 'MODEL_SHAPE_MISMATCH', message: 'the encoder gives 32-wide features but the head takes 768' },
  },
  {
    name: 'numClasses as a string',
    manifest: (m) => {
      loose(m.head).numClasses = '2';
    },
    error: { code: 'MODEL_CORRUPT', message: 'head.numClasses must be a positive integer, got "2"' },
  },
  {
    name: 'numClasses 0',
    manifest: (m) => {
      m.head.numClasses = 0;
    },
    error: { code: 'MODEL_CORRUPT', message: 'head.numClasses must be a positive integer, got 0' },
  },
  {
    name: 'hiddenSize 1.5',
    manifest: (m) => {
      m.head.hiddenSize = 1.5;
    },
    error: { code: 'MODEL_CORRUPT', message: 'head.hiddenSize must be a positive integer, got 1.5' },
  },
  {
    name: 'dropout 1.5',
    manifest: (m) => {
      m.head.dropout = 1.5;
    },
    error: { code: 'MODEL_CORRUPT', message: 'head.dropout must be a number in [0, 1), got 1.5' },
  },
  // Calibration and abstention (temperature scaling, --target-accuracy)
  {
    name: 'calibration temperature -1',
    manifest: (m) => {
      m.calibration = { method: 'temperature', temperature: -1 };
    },
    error: { code: 'MODEL_CORRUPT', message: 'calibration.temperature must be a positive number, got -1' },
  },
  {
    name: 'calibration temperature as a string',
    manifest: (m) => {
      loose(m).calibration = { method: 'temperature', temperature: '2' };
    },
    error: { code: 'MODEL_CORRUPT', message: 'calibration.temperature must be a positive number, got "2"' },
  },
  {
    name: 'calibration of an unknown method',
    manifest: (m) => {
      loose(m).calibration = { method: 'platt', temperature: 2 };
    },
    error: { code: 'MODEL_CORRUPT', message: '"calibration" must be an object with method "temperature"' },
  },
  {
    name: 'abstention threshold 1.5',
    manifest: (m) => {
      m.abstention = { threshold: 1.5 };
    },
    error: { code: 'MODEL_CORRUPT', message: 'abstention.threshold must be a number from 0 to 1, got 1.5' },
  },
  {
    name: 'a calibrated model with a default threshold loads',
    manifest: (m) => {
      m.calibration = { method: 'temperature', temperature: 2 };
      m.abstention = { threshold: 0.7, targetAccuracy: 0.95 };
    },
    labels: ['negative', 'positive'],
  },
  {
    name: 'head is null',
    manifest: (m) => {
      loose(m).head = null;
    },
    error: { code: 'MODEL_CORRUPT', message: '"head" must be an object' },
  },
  {
    name: 'maxLength negative',
    manifest: (m) => {
      m.maxLength = -1;
    },
    error: { code: 'MODEL_CORRUPT', message: 'maxLength must be a positive integer, got -1' },
  },
  {
    name: 'maxLength fractional',
    manifest: (m) => {
      m.maxLength = 17.5;
    },
    error: { code: 'MODEL_CORRUPT', message: 'maxLength must be a positive integer, got 17.5' },
  },
  {
    name: 'unknown encoder dtype',
    manifest: (m) => {
      loose(m.encoder).dtype = 'int4';
    },
    error: { code: 'MODEL_CORRUPT', message: 'encoder.dtype must be one of fp32, fp16, q8, int8, got "int4"' },
  },
  {
    name: 'pooling edited to another valid one (#23 item 10)',
    manifest: (m) => {
      m.encoder.pooling = m.encoder.pooling === 'mean' ? 'cls' : 'mean';
    },
    error: { code: 'MODEL_CORRUPT', message: 'but the head was trained on' },
  },
  {
    name: 'maxLength edited',
    manifest: (m) => {
      m.maxLength = 64;
    },
    error: {
      code: 'MODEL_CORRUPT',
      message: 'maxLength is 64 but the head was trained on features at 17 tokens (senti.json was edited',
    },
  },
  {
    name: 'an older model without weights.trainedOn loads',
    manifest: (m) => {
      delete m.weights.trainedOn;
    },
    labels: ['negative', 'positive'],
  },
  {
    name: 'unknown pooling',
    manifest: (m) => {
      loose(m.encoder).pooling = 'max';
    },
    error: { code: 'MODEL_CORRUPT', message: 'encoder.pooling must be one of pooler, cls, mean, got "max"' },
  },
  {
    name: 'weights file outside the directory',
    manifest: (m) => {
      m.weights.file = '../../etc/passwd';
    },
    error: {
      code: 'MODEL_CORRUPT',
      message: 'weights.file must be a file name inside the model directory, got "../../etc/passwd"',
    },
  },
  {
    name: 'weights file absolute',
    manifest: (m) => {
      m.weights.file = '/etc/passwd';
    },
    error: { code: 'MODEL_CORRUPT', message: 'weights.file must be a file name inside the model directory' },
  },
  {
    name: 'sha256 not hex',
    manifest: (m) => {
      m.weights.sha256 = 'abc';
    },
    error: { code: 'MODEL_CORRUPT', message: 'weights.sha256 must be 64 hex digits' },
  },
  {
    name: 'a tensor missing from the list',
    manifest: (m) => {
      m.weights.tensors = m.weights.tensors.slice(0, 3);
    },
    error: { code: 'MODEL_CORRUPT', message: 'weights.tensors must list 4 tensors' },
  },
  {
    name: 'head.bin cut short',
    headBin: (bytes) => bytes.subarray(0, 1000),
    error: {
      code: 'MODEL_SHAPE_MISMATCH',
      message: 'has 1000 bytes but the head in senti.json (32 -> 16 -> 2) needs 2248',
    },
  },
  {
    name: 'head.bin with bytes appended',
    headBin: (bytes) => Buffer.concat([bytes, Buffer.alloc(8)]),
    error: { code: 'MODEL_SHAPE_MISMATCH', message: 'has 2256 bytes' },
  },
  {
    name: 'head.bin with one flipped byte',
    headBin: (bytes) => {
      const copy = Buffer.from(bytes);
      copy[7] = copy[7]! ^ 0x40;
      return copy;
    },
    error: { code: 'MODEL_CORRUPT', message: 'does not match its sha256 in senti.json' },
  },
  {
    name: 'head.bin with NaN weights (hash updated)',
    headBin: (bytes) => {
      const copy = Buffer.from(bytes);
      copy.writeFloatLE(Number.NaN, 12);
      return copy;
    },
    rehash: true,
    error: { code: 'MODEL_CORRUPT', message: 'holds NaN or infinite weights' },
  },
  {
    name: 'head.bin missing',
    damage: async (dir) => {
      await rm(join(dir, 'head.bin'));
    },
    error: { code: 'MODEL_CORRUPT', message: 'head.bin is missing; the model in' },
  },
  {
    name: 'head.bin is a directory',
    damage: async (dir) => {
      await rm(join(dir, 'head.bin'));
      await mkdir(join(dir, 'head.bin'));
    },
    error: { code: 'MODEL_CORRUPT', message: 'head.bin cannot be read (EISDIR)' },
  },
  // senti.json itself
  {
    name: 'senti.json not JSON',
    rawManifest: '{"format": "senti-model",',
    error: { code: 'MODEL_CORRUPT', message: 'senti.json is not valid JSON' },
  },
  {
    name: 'senti.json empty',
    rawManifest: '',
    error: { code: 'MODEL_CORRUPT', message: 'senti.json is not valid JSON' },
  },
  {
    name: 'senti.json an array',
    rawManifest: '[]',
    error: { code: 'MODEL_CORRUPT', message: 'is not a senti model manifest' },
  },
  {
    name: 'senti.json null',
    rawManifest: 'null',
    error: { code: 'MODEL_CORRUPT', message: 'is not a senti model manifest' },
  },
  {
    name: 'another format',
    manifest: (m) => {
      loose(m).format = 'onnx';
    },
    error: { code: 'MODEL_CORRUPT', message: 'format is not "senti-model"' },
  },
  {
    name: 'format version as a string',
    manifest: (m) => {
      loose(m).formatVersion = '1';
    },
    error: { code: 'MODEL_CORRUPT', message: 'has format version "1"; expected a positive integer' },
  },
  {
    name: 'format version from the future',
    manifest: (m) => {
      loose(m).formatVersion = 2;
    },
    error: { code: 'MODEL_FORMAT_TOO_NEW', message: 'has format version 2; this senti reads up to 1' },
  },
  {
    name: 'no head field',
    manifest: (m) => {
      delete loose(m).head;
    },
    error: { code: 'MODEL_CORRUPT', message: 'senti.json lacks head' },
  },
  {
    name: 'senti.json saved with a BOM (Windows editor) loads',
    damage: async (dir) => {
      const file = join(dir, 'senti.json');
      await writeFile(file, `\uFEFF${await readFile(file, 'utf8')}`);
    },
    labels: ['negative', 'positive'],
  },
  {
    name: 'senti.json is a directory',
    damage: async (dir) => {
      await rm(join(dir, 'senti.json'));
      await mkdir(join(dir, 'senti.json'));
    },
    error: { code: 'MODEL_CORRUPT', message: 'senti.json cannot be read (EISDIR)' },
  },
  {
    name: 'model directory missing',
    damage: async (dir) => {
      await rm(dir, { recursive: true });
    },
    error: { code: 'MODEL_NOT_FOUND', message: 'senti.json missing' },
  },
  {
    name: 'model directory is a file',
    damage: async (dir) => {
      await rm(dir, { recursive: true });
      await writeFile(dir, 'x');
    },
    error: { code: 'MODEL_NOT_FOUND', message: 'senti.json missing' },
  },
  {
    name: 'model path with a control character',
    damage: async (dir) => `${dir}-\x07missing`,
    error: { code: 'MODEL_NOT_FOUND', message: '-\\x07missing' },
  },
  // The encoder
  {
    name: 'encoder changed since training',
    manifest: (m) => {
      m.encoder.fileHash = 'f'.repeat(64);
    },
    error: { code: 'MODEL_ENCODER_MISMATCH', message: 'encoder the model was trained with' },
  },
  {
    name: 'encoder neither bundled nor findable',
    manifest: (m) => {
      const e = loose(m.encoder);
      delete e.bundled;
      delete e.relativePath;
      delete e.hubId;
      e.path = join(root, 'gone');
    },
    error: { code: 'MODEL_ENCODER_NOT_FOUND', message: 'not found' },
  },
];

/** Saves a fresh model and applies a row's changes; returns the path to load. */
async function prepare(row: Row): Promise<string> {
  const dir = join(root, `model-${(count += 1)}`);
  await saveModel(dir, {
    head,
    encoder: { ...encoder.info, path: TINY_BERT },
    maxLength: 17,
    labelNames: ['negative', 'positive'],
  });
  const manifest = JSON.parse(await readFile(join(dir, 'senti.json'), 'utf8')) as Manifest;
  if (row.headBin) {
    const bytes = row.headBin(await readFile(join(dir, 'head.bin')));
    await writeFile(join(dir, 'head.bin'), bytes);
    if (row.rehash) manifest.weights.sha256 = sha256(bytes);
  }
  row.manifest?.(manifest);
  await writeFile(join(dir, 'senti.json'), row.rawManifest ?? JSON.stringify(manifest));
  return (await row.damage?.(dir)) ?? dir;
}

describe('hostile model directories (table)', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const dir = await prepare(row);
    const loading = loadModel(dir, { offline: true, device: 'cpu' });
    if (row.error) {
      const error = (await loading.then(
        async (model) => {
          await model.dispose();
        },
        (caught: unknown) => caught,
      )) as { code: string; message: string } | undefined;
      expect(error, 'expected an error').toBeDefined();
      expect(error!.code).toBe(row.error.code);
      expect(error!.message).toContain(row.error.message);
      expect(error!.message, 'messages never carry raw control characters').not.toMatch(/[\u0000-\u001f\u007f]/);
    } else {
      const model = await loading;
      const [prediction] = await model.predict(['fine']);
      expect(Object.keys(prediction!.probabilities)).toEqual(row.labels);
      await model.dispose();
    }
  });
});

/** Places `saveModel` cannot write to -> one FileError line naming the path and the reason, nothing left behind. */
const saveRows: {
  name: string;
  target: (dir: string) => Promise<string>;
  code: string;
  message: (target: string) => string;
}[] = [
  {
    name: 'a file (model.save("package.json"))',
    target: async (dir) => {
      await writeFile(join(dir, 'package.json'), '{}');
      return join(dir, 'package.json');
    },
    code: 'FILE_NOT_A_DIRECTORY',
    message: (target) => `cannot write ${target}: not a directory (${target} is a file)`,
  },
  {
    name: 'a path under a file',
    target: async (dir) => {
      await writeFile(join(dir, 'notes.txt'), 'x');
      return join(dir, 'notes.txt', 'model');
    },
    code: 'FILE_NOT_A_DIRECTORY',
    message: (target) => `cannot write ${target}: not a directory (${join(target, '..')} is a file)`,
  },
];

describe('saveModel where it cannot write (table)', () => {
  it.each(saveRows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const dir = join(root, `save-${(count += 1)}`);
    await mkdir(dir);
    const target = await row.target(dir);
    const error = (await saveModel(target, {
      head,
      encoder: { ...encoder.info, path: TINY_BERT },
      maxLength: 17,
      labelNames: ['negative', 'positive'],
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as { code: string; message: string } | undefined;
    expect(error, 'expected an error').toBeDefined();
    expect(error!.code).toBe(row.code);
    expect(error!.message).toBe(row.message(target));
    expect((await readdir(dir)).filter((name) => name.startsWith('.'))).toEqual([]); // no temp directory left
  });
});
