import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TrainError } from '@senti/errors';
import { writeFileAtomic } from '@senti/base';
import type { ResolvedLoopOptions } from './resolve-options.js';
import type { EpochRecord, Split } from './types.js';

const CHECKPOINT_FILE = 'checkpoint.json';

/** The settings a checkpoint must share with the run that resumes it. */
export type CheckpointFingerprint = Record<string, unknown>;

/** Everything needed to continue a run after `epoch` exactly as if it had not stopped. */
export interface CheckpointState {
  fingerprint: CheckpointFingerprint;
  /** Last completed epoch (1-based). */
  epoch: number;
  optimizerStep: number;
  history: EpochRecord[];
  bestEpoch: number;
  bestValLoss: number;
  epochsWithoutImprovement: number;
  stoppedEarly: boolean;
  weights: Float32Array[];
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
  bestWeights: Float32Array[];
}

/** The options and data identity a checkpoint is tied to (epochs and patience may change on resume). */
export function checkpointFingerprint(options: ResolvedLoopOptions, train: Split, val: Split): CheckpointFingerprint {
  const hash = createHash('sha256');
  for (const split of [train, val]) {
    hash.update(new Uint8Array(split.features.buffer, split.features.byteOffset, split.features.byteLength));
    hash.update(Int32Array.from(split.labels));
  }
  return {
    inputSize: options.head.inputSize,
    hiddenSize: options.head.hiddenSize,
    numClasses: options.head.numClasses,
    dropout: options.head.dropout,
    seed: options.seed,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    weightDecay: options.weightDecay,
    betas: options.betas,
    eps: options.eps,
    clipNorm: options.clipNorm,
    classWeights: options.classWeights,
    trainRows: train.labels.length,
    valRows: val.labels.length,
    dataSha256: hash.digest('hex'),
  };
}

/** Write a checkpoint atomically: the data file first, then the JSON that names it; older data files go last. */
export async function saveCheckpoint(dir: string, state: CheckpointState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const arrays = [...state.weights, ...state.firstMoments, ...state.secondMoments, ...state.bestWeights];
  const bytes = Buffer.concat(arrays.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
  const binFile = `checkpoint-epoch-${state.epoch}.bin`;
  await writeFileAtomic(join(dir, binFile), bytes);
  const { weights: _w, firstMoments: _m, secondMoments: _v, bestWeights: _b, ...meta } = state;
  const json = {
    format: 'senti-checkpoint',
    formatVersion: 1,
    savedAt: new Date().toISOString(),
    ...meta,
    sizes: state.weights.map((array) => array.length),
    binFile,
    binSha256: createHash('sha256').update(bytes).digest('hex'),
  };
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), `${JSON.stringify(json, null, 2)}\n`);
  for (const entry of await readdir(dir)) {
    if (/^checkpoint-epoch-\d+\.bin$/.test(entry) && entry !== binFile) await rm(join(dir, entry), { force: true });
  }
}

/** Read the checkpoint in `dir`, or undefined when there is none; a corrupt one is a TrainError. */
export async function loadCheckpoint(dir: string): Promise<CheckpointState | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const meta = JSON.parse(text) as Omit<
      CheckpointState,
      'weights' | 'firstMoments' | 'secondMoments' | 'bestWeights'
    > & {
      sizes: number[];
      binFile: string;
      binSha256: string;
    };
    const bytes = await readFile(join(dir, meta.binFile));
    if (createHash('sha256').update(bytes).digest('hex') !== meta.binSha256)
      throw new Error(`${meta.binFile} does not match its sha256`);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const groups: Float32Array[][] = [];
    let offset = 0;
    for (let group = 0; group < 4; group += 1) {
      groups.push(meta.sizes.map((size) => all.slice(offset, (offset += size))));
    }
    const { sizes: _s, binFile: _f, binSha256: _h, ...rest } = meta;
    return {
      ...rest,
      weights: groups[0]!,
      firstMoments: groups[1]!,
      secondMoments: groups[2]!,
      bestWeights: groups[3]!,
    };
  } catch (cause) {
    throw new TrainError(
      'TRAIN_CHECKPOINT_CORRUPT',
      `checkpoint in ${dir} cannot be read (${(cause as Error).message}); delete it or train without \`resume\``,
      'input',
      { cause },
    );
  }
}

/** The last completed epoch (1-based) of the checkpoint in `dir`, or undefined when there is none or it cannot be read. */
export async function completedEpochs(dir: string): Promise<number | undefined> {
  try {
    const state = JSON.parse(await readFile(join(dir, CHECKPOINT_FILE), 'utf8')) as { epoch?: unknown };
    return typeof state.epoch === 'number' ? state.epoch : undefined;
  } catch {
    return undefined;
  }
}

/** Throw a TrainError naming every setting that differs between a checkpoint and this run. */
export function assertSameFingerprint(dir: string, saved: CheckpointFingerprint, current: CheckpointFingerprint): void {
  const differences = Object.keys({ ...saved, ...current })
    .filter((key) => JSON.stringify(saved[key]) !== JSON.stringify(current[key]))
    .map((key) =>
      key === 'dataSha256'
        ? 'the training/validation data'
        : `${key} ${JSON.stringify(saved[key])} (checkpoint) vs ${JSON.stringify(current[key])} (now)`,
    );
  if (differences.length > 0) {
    throw new TrainError(
      'TRAIN_CHECKPOINT_MISMATCH',
      `checkpoint in ${dir} was made with different settings: ${differences.join(', ')}`,
      'input',
      {
        hint: 'use the same settings and data to resume, or start fresh without `resume` (or in another `checkpointDir`)',
      },
    );
  }
}
