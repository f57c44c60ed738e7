import { basename } from 'node:path';
import { escapeControl, ModelError, quote } from '@senti/errors';
import type { Dtype, Pooling } from '../encoder/index.js';
import { headShapes } from '../head/index.js';
import type { SentiManifest } from './manifest.js';

/** Every dtype and pooling the encoder knows (a Record, so a new member of the type must be added here too). */
const DTYPE_SET: Record<Dtype, true> = { fp32: true, fp16: true, q8: true, int8: true };
const POOLING_SET: Record<Pooling, true> = { pooler: true, cls: true, mean: true };
const DTYPES: string[] = Object.keys(DTYPE_SET);
const POOLINGS: string[] = Object.keys(POOLING_SET);

const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;
const show = (value: unknown): string =>
  typeof value === 'string' ? quote(value) : escapeControl(JSON.stringify(value) ?? String(value));
const shape = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

/**
 * Checks that a parsed senti.json is internally consistent: field types, label names vs head classes, the head's
 * shapes vs the tensors listed for head.bin, encoder width vs head input. Throws a `MODEL_*` ModelError naming the field.
 */
export function checkManifest(manifest: SentiManifest, file: string): void {
  const corrupt = (what: string) =>
    new ModelError(
      'MODEL_CORRUPT',
      `${escapeControl(file)}: ${what}; the model is damaged, train or copy it again`,
      'input',
    );
  const { head, labelNames, encoder, weights } = manifest;
  if (head === null || typeof head !== 'object') throw corrupt('"head" must be an object');
  for (const key of ['inputSize', 'hiddenSize', 'numClasses'] as const) {
    if (!isPositiveInteger(head[key])) throw corrupt(`head.${key} must be a positive integer, got ${show(head[key])}`);
  }
  if (typeof head.dropout !== 'number' || !(head.dropout >= 0 && head.dropout < 1))
    throw corrupt(`head.dropout must be a number in [0, 1), got ${show(head.dropout)}`);
  if (!isPositiveInteger(manifest.maxLength))
    throw corrupt(`maxLength must be a positive integer, got ${show(manifest.maxLength)}`);
  if (
    encoder === null ||
    typeof encoder !== 'object' ||
    typeof encoder.model !== 'string' ||
    typeof encoder.fileHash !== 'string'
  ) {
    throw corrupt('"encoder" must be an object with "model" and "fileHash" strings');
  }
  if (!DTYPES.includes(encoder.dtype))
    throw corrupt(`encoder.dtype must be one of ${DTYPES.join(', ')}, got ${show(encoder.dtype)}`);
  if (!POOLINGS.includes(encoder.pooling))
    throw corrupt(`encoder.pooling must be one of ${POOLINGS.join(', ')}, got ${show(encoder.pooling)}`);

  if (!Array.isArray(labelNames) || labelNames.some((name) => typeof name !== 'string'))
    throw corrupt('"labelNames" must be an array of strings');
  if (labelNames.length !== head.numClasses) {
    const listed = labelNames.length <= 8 ? ` (${labelNames.map(quote).join(', ')})` : '';
    throw new ModelError(
      'MODEL_LABELS_MISMATCH',
      `${escapeControl(file)} names ${labelNames.length} label${labelNames.length === 1 ? '' : 's'}${listed} but its head has ${head.numClasses} classes; labelNames and the head must match`,
      'input',
      { hint: 'restore senti.json from the training run, or train the model again' },
    );
  }
  const repeated = labelNames.find((name, index) => labelNames.indexOf(name) !== index);
  if (repeated !== undefined)
    throw new ModelError(
      'MODEL_LABELS_MISMATCH',
      `${escapeControl(file)} names label ${quote(repeated)} twice; each class needs its own name`,
      'input',
    );
  if (isPositiveInteger(encoder.hiddenSize) && encoder.hiddenSize !== head.inputSize) {
    throw new ModelError(
      'MODEL_SHAPE_MISMATCH',
      `${escapeControl(file)}: the encoder gives ${encoder.hiddenSize}-wide features but the head takes ${head.inputSize}; the model is damaged, train or copy it again`,
      'input',
    );
  }

  const { calibration, abstention } = manifest;
  if (calibration !== undefined) {
    if (calibration === null || typeof calibration !== 'object' || calibration.method !== 'temperature')
      throw corrupt('"calibration" must be an object with method "temperature"');
    if (
      typeof calibration.temperature !== 'number' ||
      !(Number.isFinite(calibration.temperature) && calibration.temperature > 0)
    ) {
      throw corrupt(`calibration.temperature must be a positive number, got ${show(calibration.temperature)}`);
    }
  }
  if (abstention !== undefined) {
    if (abstention === null || typeof abstention !== 'object') throw corrupt('"abstention" must be an object');
    if (typeof abstention.threshold !== 'number' || !(abstention.threshold >= 0 && abstention.threshold <= 1)) {
      throw corrupt(`abstention.threshold must be a number from 0 to 1, got ${show(abstention.threshold)}`);
    }
  }

  if (weights === null || typeof weights !== 'object') throw corrupt('"weights" must be an object');
  if (
    typeof weights.file !== 'string' ||
    weights.file === '' ||
    basename(weights.file) !== weights.file ||
    weights.file === '..'
  ) {
    throw corrupt(`weights.file must be a file name inside the model directory, got ${show(weights.file)}`);
  }
  if (typeof weights.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(weights.sha256))
    throw corrupt('weights.sha256 must be 64 hex digits');
  const trained = weights.trainedOn;
  if (trained !== undefined) {
    const edited = [
      ...(trained.pooling !== encoder.pooling
        ? [`encoder.pooling is ${show(encoder.pooling)} but the head was trained on ${show(trained.pooling)} pooling`]
        : []),
      ...(trained.maxLength !== manifest.maxLength
        ? [
            `maxLength is ${show(manifest.maxLength)} but the head was trained on features at ${show(trained.maxLength)} tokens`,
          ]
        : []),
    ];
    if (edited.length > 0) {
      throw new ModelError(
        'MODEL_CORRUPT',
        `${escapeControl(file)}: ${edited.join('; ')} (senti.json was edited; weights.trainedOn records the training)`,
        'input',
        {
          hint: 'restore senti.json from the training run, or train again with the pooling and --max-length you want',
        },
      );
    }
  }
  const expected = headShapes(head);
  const listed = weights.tensors;
  if (!Array.isArray(listed) || listed.length !== expected.length) {
    throw corrupt(`weights.tensors must list ${expected.length} tensors (fc1.weight, fc1.bias, fc2.weight, fc2.bias)`);
  }
  listed.forEach((tensor, index) => {
    const dims = tensor?.shape;
    if (
      !Array.isArray(dims) ||
      dims.length !== expected[index]!.length ||
      dims.some((dim, axis) => dim !== expected[index]![axis])
    ) {
      throw new ModelError(
        'MODEL_SHAPE_MISMATCH',
        `${escapeControl(file)}: tensor ${quote(tensor?.name ?? index)} has shape ${Array.isArray(dims) ? shape(dims) : show(dims)} but the head (${head.inputSize} -> ${head.hiddenSize} -> ${head.numClasses}) needs ${shape(expected[index]!)}`,
        'input',
        { hint: 'restore senti.json from the training run, or train the model again' },
      );
    }
  });
}
