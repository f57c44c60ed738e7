import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { openAtomicDirectory } from '@senti/base';
import { ModelError } from '@senti/errors';
import { loadTokenizer, resolveModelSource } from '@senti/tokenize';
import { encoderCandidates, readHeadWeights } from '../artifact/load-model.js';
import type { SentiManifest } from '../artifact/manifest.js';
import { resolveModelDir } from '../artifact/model-dir.js';
import { readManifest } from '../artifact/read-manifest.js';
import {
  fileSha256,
  isEncoderDtypeAvailable,
  ONNX_FILES,
  resolveEncoderFile,
  sourceDir,
  type Dtype,
} from '../encoder/index.js';
import { encodeOnnxModel, readOnnxModel } from '@senti/onnx';
import { readTunedLayers } from '../layers/tuned-layers-file.js';
import { withTunedWeights } from '../layers/tuned-onnx.js';
import { appendClassifier, type HeadWeights } from './classifier-graph.js';
import { normalizeInputs } from './senti-inputs.js';
import { exportCardText } from './export-card.js';
import { writeWebPage } from './web-page.js';
import { checkExportTarget } from './export-target.js';
import { classifierConfig, classifierTokenizerConfig, TOKENIZER_FILES } from './hf-files.js';

/** Options for {@link exportModel}. */
export interface ExportModelOptions {
  /** Where the encoder lives now (directory or Hub id), when the model's own references do not find it. */
  encoderModel?: string;
  /** Never fetch from the Hub (default: `SENTI_OFFLINE=1`). */
  offline?: boolean;
  /** Cache of the built int8 graph; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Replace `outDir` when it holds a previous export (and nothing else); any other non-empty directory is refused. */
  overwrite?: boolean;
  /**
   * Add a static page that classifies in the browser with no server: `index.html`, the transformers.js browser build
   * (`vendor/`) and the onnxruntime-web wasm files (`wasm/`), copied from the installed packages.
   */
  web?: boolean;
}

/** What {@link exportModel} wrote. */
export interface ExportResult {
  /** The export directory (absolute). */
  outDir: string;
  /** Files written, relative to `outDir`. */
  files: string[];
  /** Anything a user should know (e.g. an fp16 model exported as fp32). */
  notes: string[];
}

/** The encoder files an export is built from, checked against the model's hash. */
interface EncoderFiles {
  dir: string;
  fp32?: string;
  /** The graph senti used (its hash matches senti.json), for int8 / q8 models. */
  quantized?: string;
}

/** `candidate` equals `dir` or lies inside it (real paths where they exist, so links and `..` do not hide it). */
function within(candidate: string, dir: string): boolean {
  const real = (file: string) => (existsSync(file) ? realpathSync(file) : path.resolve(file));
  const relative = path.relative(real(dir), real(candidate));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Refuses an export directory that is, holds or sits inside what is exported: replacing it would delete the source. */
function refuseOverlap(target: string, sources: readonly string[]): void {
  for (const source of sources) {
    if (within(target, source) || within(source, target)) {
      throw new ModelError(
        'MODEL_EXPORT_DIR_OVERLAPS',
        `export directory ${target} overlaps ${source}, which is being exported; choose a directory outside it`,
        'usage',
      );
    }
  }
}

/**
 * Writes a saved model as a Hugging Face directory that ecosystem tools load with no senti code: `config.json`
 * (sequence classification, id2label/label2id), tokenizer files truncating at the model's padding length, and
 * `onnx/model.onnx`, one graph from token ids to `logits` (encoder + pooling + head); plus `onnx/model_quantized.onnx`
 * when the model's encoder is int8 (per token) or q8. Written to a temporary directory, then renamed into place.
 */
export async function exportModel(
  modelDir: string,
  outDir: string,
  options: ExportModelOptions = {},
): Promise<ExportResult> {
  const root = resolveModelDir(modelDir);
  refuseOverlap(path.resolve(outDir), [path.resolve(modelDir), root]);
  await checkExportTarget(path.resolve(outDir), options.overwrite === true);
  const manifest = await readManifest(root);
  const weights = (await readHeadWeights(root, manifest)) as unknown as HeadWeights;
  const encoder = await findEncoderFiles(root, modelDir, manifest, options);
  const target = path.resolve(outDir);
  refuseOverlap(target, [encoder.dir]);
  const files: string[] = [];
  const notes: string[] = [];
  const directory = await openAtomicDirectory(target);
  const write = async (relative: string, data: string | Uint8Array) => {
    await directory.write(relative, data);
    files.push(relative);
  };
  try {
    // Fine-tuned layers (`unfreeze`) are written into the fp32 encoder graph; a quantized graph cannot take them.
    const tuned = manifest.tunedLayers === undefined ? undefined : await readTunedLayers(root, manifest.tunedLayers);
    const writesQuantized = encoder.quantized !== undefined && tuned === undefined;
    // config.json declares the quantized graph only when it is written (transformers.js would look for it).
    await write(
      'config.json',
      `${JSON.stringify(await classifierConfig(encoder.dir, manifest, { quantized: writesQuantized }), null, 2)}\n`,
    );
    await write(
      'tokenizer_config.json',
      `${JSON.stringify(await classifierTokenizerConfig(encoder.dir, manifest.maxLength), null, 2)}\n`,
    );
    for (const name of TOKENIZER_FILES) {
      if (!existsSync(path.join(encoder.dir, name))) continue;
      await directory.copy(path.join(encoder.dir, name), name);
      files.push(name);
    }
    const tokenizer = await loadTokenizer(encoder.dir, { offline: true });
    const sepId = tokenizer.special.suffix.length === 1 ? tokenizer.special.suffix[0] : undefined;
    if (tuned !== undefined && !encoder.fp32) {
      throw new ModelError(
        'MODEL_ENCODER_NOT_FOUND',
        `cannot export the model in ${modelDir}: its fine-tuned layers go into the fp32 encoder graph (onnx/model.onnx), which was not found`,
        'input',
        {
          hint: 'pass the encoder location holding onnx/model.onnx as `encoderModel`',
        },
      );
    }
    const classifier = async (source: string, relative: string) => {
      const graph =
        tuned === undefined
          ? await readOnnxModel(source)
          : withTunedWeights(await readOnnxModel(source), tuned, source);
      appendClassifier(graph, manifest.encoder.pooling, manifest.head, weights, manifest.calibration?.temperature ?? 1);
      normalizeInputs(graph, manifest.maxLength, sepId);
      graph.doc_string = `senti classifier (${manifest.labelNames.join(', ')}): ${manifest.encoder.model} encoder (${manifest.encoder.dtype}), ${manifest.encoder.pooling} pooling, head ${manifest.head.inputSize}-${manifest.head.hiddenSize}-${manifest.head.numClasses}`;
      await write(relative, encodeOnnxModel(graph));
    };
    if (encoder.fp32) await classifier(encoder.fp32, 'onnx/model.onnx');
    if (encoder.quantized && tuned !== undefined) {
      notes.push(
        `the model's ${manifest.tunedLayers!.count} fine-tuned layers are exported in fp32 only (onnx/model.onnx); no quantized graph is written`,
      );
    } else if (encoder.quantized) {
      await classifier(encoder.quantized, 'onnx/model_quantized.onnx');
      if (!encoder.fp32) {
        await classifier(encoder.quantized, 'onnx/model.onnx');
        notes.push(
          `no fp32 encoder was found (the model bundles only its ${manifest.encoder.dtype} graph): onnx/model.onnx is the ${manifest.encoder.dtype} classifier too`,
        );
      }
    }
    if (manifest.encoder.dtype === 'fp16')
      notes.push('the model used an fp16 encoder; the export is fp32, whose answers differ from it by fp16 rounding');
    if (options.web) files.push(...(await writeWebPage(directory.temporary, manifest, { quantized: writesQuantized })));
    // The export's own card: the run's card describes the senti model directory (its "load with senti" lines fail here).
    await write('README.md', exportCardText(manifest, { files, ...(options.web ? { web: true } : {}) }));
    await directory.commit();
  } catch (error) {
    await directory.abort();
    throw error;
  }
  return { outDir: target, files, notes };
}

/** The first encoder location holding the files senti used (checked by sha256), fp32 and the used quantized graph. */
async function findEncoderFiles(
  root: string,
  modelDir: string,
  manifest: SentiManifest,
  options: ExportModelOptions,
): Promise<EncoderFiles> {
  const problems: string[] = [];
  const dtype: Dtype = manifest.encoder.dtype;
  let found: EncoderFiles | undefined;
  for (const { location, how } of encoderCandidates(root, manifest, options.encoderModel)) {
    let dir: string;
    let used: string;
    let fp32: string;
    try {
      const source = resolveModelSource(location, { offline: options.offline ?? true });
      dir = sourceDir(source);
      let resolveOptions = { ...options, pooling: manifest.encoder.pooling, legacyGraphs: false };
      let resolved = await resolveEncoderFile(source, dtype, 'cpu', resolveOptions);
      // A model saved by senti 0.1 (no `weights` in senti.json) ran the export whole and int8 scheme v2.
      if (manifest.encoder.weights === undefined && (await fileSha256(resolved.file)) !== manifest.encoder.fileHash) {
        resolveOptions = { ...resolveOptions, legacyGraphs: true };
        resolved = await resolveEncoderFile(source, dtype, 'cpu', resolveOptions);
      }
      used = resolved.file;
      // The fp32 encoder graph (cut or built for masked-LM and safetensors layouts) the classifier is appended to.
      fp32 =
        resolved.fp32File ??
        (isEncoderDtypeAvailable(source, 'fp32')
          ? (await resolveEncoderFile(source, 'fp32', 'cpu', resolveOptions)).file
          : path.join(dir, 'onnx', ONNX_FILES.fp32));
    } catch (error) {
      problems.push(`${how}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const has = (file: string) => existsSync(file);
    if (!has(used)) {
      problems.push(`${how}: no ${dtype} encoder file in ${dir}`);
      continue;
    }
    const hash = await fileSha256(used);
    if (hash !== manifest.encoder.fileHash) {
      problems.push(
        `${how} is not the encoder the model was trained with (sha256 ${hash.slice(0, 12)}, expected ${manifest.encoder.fileHash.slice(0, 12)})`,
      );
      continue;
    }
    const files = {
      dir,
      ...(has(fp32) ? { fp32 } : {}),
      ...(dtype === 'int8' || dtype === 'q8' ? { quantized: used } : {}),
    };
    if (files.fp32 || dtype === 'fp32') return files;
    found ??= files; // keep looking for a location that also has the fp32 graph (a bundle holds only the quantized one)
  }
  if (found) return found;
  throw new ModelError(
    'MODEL_ENCODER_NOT_FOUND',
    `cannot export the model in ${modelDir}: its encoder was not found (${problems.join('; ') || 'no location known'})`,
    'input',
    {
      hint: 'pass the encoder location (a model directory or Hub id) as `encoderModel`',
    },
  );
}
