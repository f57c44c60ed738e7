/** Which encoder weights to fetch: a dtype as `loadEncoder` takes it, or `none` for tokenizer and config files only. */
export type WeightsChoice = 'fp32' | 'fp16' | 'q8' | 'int8' | 'auto' | 'none';

/** Tokenizer, config and pooling files senti reads when a repository has them. */
export const CONFIG_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'modules.json',
  '1_Pooling/config.json',
  'sentence_bert_config.json',
] as const;

/** The fp32 ONNX export (transformers.js layout); senti builds int8 from it. */
export const ONNX_FP32 = 'onnx/model.onnx';
/** Extra ONNX file a dtype reads beside the fp32 one. */
export const ONNX_VARIANTS: Partial<Record<WeightsChoice, string>> = {
  q8: 'onnx/model_quantized.onnx',
  fp16: 'onnx/model_fp16.onnx',
};
/** Single-file safetensors weights (most checkpoints ship only these). */
export const SAFETENSORS = 'model.safetensors';
/** The index of sharded safetensors weights. */
export const SAFETENSORS_INDEX = 'model.safetensors.index.json';

/** Every path whose presence decides the selection: these are recorded as absent (`.no_exist`) after a listing. */
export const CANDIDATE_FILES: readonly string[] = [
  ...CONFIG_FILES,
  ONNX_FP32,
  ...Object.values(ONNX_VARIANTS),
  SAFETENSORS,
  SAFETENSORS_INDEX,
];

/** Whether a repository has a file: true, false, or undefined when not known (a cache without a listing). */
export type HasFile = (file: string) => boolean | undefined;

/**
 * The files senti needs from a repository: its config, tokenizer and pooling files, and for weights the dtype's own
 * q8 or fp16 ONNX file when it has one (nothing else: a q8 user does not download the 440 MB fp32 file), else
 * `onnx/model.onnx` when it has an ONNX export, else `model.safetensors`, else the safetensors index (whose shards
 * come after reading it). Undefined when `has` cannot tell for a file that
 * decides it; `weights` is empty when the repository has none of these.
 */
export function selectFiles(has: HasFile, weights: WeightsChoice): { config: string[]; weights: string[] } | undefined {
  const config: string[] = [];
  for (const file of CONFIG_FILES) {
    const present = has(file);
    if (present === undefined) return undefined;
    if (present) config.push(file);
  }
  if (weights === 'none') return { config, weights: [] };
  const variant = ONNX_VARIANTS[weights];
  for (const file of [...(variant ? [variant] : []), ONNX_FP32, SAFETENSORS, SAFETENSORS_INDEX]) {
    const present = has(file);
    if (present === undefined) return undefined;
    if (present) return { config, weights: [file] };
  }
  return { config, weights: [] };
}

/** The shard files a safetensors index names (`weight_map` values), when they are plain file names. */
export function shardFiles(index: unknown): string[] | undefined {
  const map = (index as { weight_map?: unknown } | undefined)?.weight_map;
  if (typeof map !== 'object' || map === null) return undefined;
  const shards = [...new Set(Object.values(map as Record<string, unknown>))];
  return shards.every(
    (shard): shard is string =>
      typeof shard === 'string' && /^[\w.-]+\.safetensors$/.test(shard) && !shard.startsWith('.'),
  )
    ? shards.sort()
    : undefined;
}
