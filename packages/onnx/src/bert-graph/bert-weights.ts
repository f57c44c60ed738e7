import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileSystemReason } from '@senti/base';
import { isSentiError, ModelError } from '@senti/errors';
import { readSafetensors, type NamedTensor } from '../safetensors.js';
import type { BertGraphConfig } from './bert-graph-config.js';
import {
  acceptedSpellings,
  canonicalTensorName,
  expectedTensorShape,
  POOLER_TENSORS,
  requiredTensorNames,
} from './bert-tensor-names.js';

/** A `BertModel` checkpoint's tensors under their canonical Hugging Face names (no prefix), widened to float32. */
export interface BertWeights {
  /** Canonical name -> tensor (torch layout: dense weights `[out, in]`). Every required tensor is present. */
  tensors: Map<string, NamedTensor>;
  /** Canonical name -> the file it came from (for error messages). */
  files: Map<string, string>;
  /** True when the checkpoint has the pooler (`pooler.dense.weight` and `.bias`). */
  hasPooler: boolean;
  /** What was read: the `.safetensors` file, the shard index, or the shards joined by commas. */
  source: string;
}

/**
 * Reads a BERT checkpoint for the graph builder: one `.safetensors` file, a `model.safetensors.index.json` (its shards
 * beside it), or a list of shard files. Names are accepted as transformers accepts them (with or without `bert.`,
 * legacy `LayerNorm.gamma` / `beta`; masked-LM and other heads skipped); F32, F16 and BF16 are widened to float32.
 * Every tensor `config` needs must be present with its shape, else one `ModelError` line names the file and tensor.
 */
export async function bertWeightsFromSafetensors(
  source: string | readonly string[],
  config: BertGraphConfig,
): Promise<BertWeights> {
  const index = typeof source === 'string' && source.endsWith('.json') ? source : undefined;
  const shards = typeof source === 'string' ? await shardFiles(source) : [...source];
  if (shards.length === 0)
    throw new ModelError(
      'MODEL_NO_LAYER_WEIGHTS',
      'no safetensors files were given to build the BERT graph from',
      'usage',
    );
  const described = typeof source === 'string' ? source : shards.join(', ');
  const tensors = new Map<string, NamedTensor>();
  const files = new Map<string, string>();
  for (const file of shards) {
    const found = await readShard(file, index);
    for (const [name, tensor] of found) {
      const canonical = canonicalTensorName(name)!;
      if (tensors.has(canonical)) {
        throw new ModelError(
          'MODEL_BAD_SAFETENSORS',
          `${file}: tensor "${name}" is a second copy of "${canonical}" (already read from ${files.get(canonical)})`,
          'input',
        );
      }
      tensors.set(canonical, tensor);
      files.set(canonical, file);
    }
  }
  const hasPooler = POOLER_TENSORS.every((name) => tensors.has(name));
  for (const name of [...requiredTensorNames(config), ...(hasPooler ? POOLER_TENSORS : [])]) {
    const tensor = tensors.get(name);
    if (tensor === undefined) {
      throw new ModelError(
        'MODEL_NO_LAYER_WEIGHTS',
        `${described} has no tensor "${name}" (looked for ${acceptedSpellings(name)
          .map((s) => `"${s}"`)
          .join(', ')}); a BERT checkpoint with ${config.numHiddenLayers} layers (config.json) needs it`,
        'input',
      );
    }
    checkTensorShape(name, tensor, config, files.get(name)!);
  }
  return { tensors, files, hasPooler, source: described };
}

/** Checks one tensor's shape against config.json with one clear line. */
export function checkTensorShape(name: string, tensor: NamedTensor, config: BertGraphConfig, file: string): void {
  const expected = expectedTensorShape(name, config);
  if (tensor.shape.join(',') !== expected.join(',')) {
    throw new ModelError(
      'MODEL_BAD_LAYER_WEIGHTS',
      `${file}: tensor "${name}" has shape [${tensor.shape.join(', ')}], but config.json implies [${expected.join(', ')}]`,
      'input',
    );
  }
}

async function readShard(file: string, index: string | undefined): Promise<Map<string, NamedTensor>> {
  try {
    return await readSafetensors(file, (name) => canonicalTensorName(name) !== undefined);
  } catch (error) {
    if (isSentiError(error)) throw error;
    const listed = index === undefined ? '' : ` (a shard listed in ${index})`;
    throw new ModelError('MODEL_BAD_SAFETENSORS', `cannot read ${file}${listed}: ${fileSystemReason(error)}`, 'input', {
      cause: error,
    });
  }
}

/** The shard files of a checkpoint: the file itself, or those a `*.index.json` lists (relative to it). */
async function shardFiles(file: string): Promise<string[]> {
  if (!file.endsWith('.json')) return [file];
  let index: unknown;
  try {
    index = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ModelError(
      'MODEL_BAD_SAFETENSORS',
      `cannot read the shard index ${file}: ${error instanceof SyntaxError ? error.message : fileSystemReason(error)}`,
      'input',
      { cause: error },
    );
  }
  const map = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Object.values(map).some((shard) => typeof shard !== 'string')) {
    throw new ModelError(
      'MODEL_BAD_SAFETENSORS',
      `${file}: "weight_map" must map tensor names to shard file names`,
      'input',
    );
  }
  const shards = [...new Set(Object.values(map as Record<string, string>))];
  for (const shard of shards) {
    if (path.isAbsolute(shard) || shard.split(/[\\/]/).includes('..')) {
      throw new ModelError(
        'MODEL_BAD_SAFETENSORS',
        `${file}: shard "${shard}" must be a file name beside the index`,
        'input',
      );
    }
  }
  return shards.sort().map((shard) => path.join(path.dirname(file), shard));
}
