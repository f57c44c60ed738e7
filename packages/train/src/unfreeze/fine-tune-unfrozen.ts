import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultCacheDir, type Encoder } from '@senti/model';
import {
  BertTopLayers,
  checkUnfreezeCount,
  createStatesEncoder,
  createTunedEncoder,
  encodeLayerStates,
  encoderModelDir,
  LayerStateStore,
  loadUnfrozenWeights,
  readBertConfig,
  type LayerParameter,
  type TunedLayersInfo,
} from '@senti/model/layers';
import { throwIfAborted } from '../abort.js';
import type { FineTuneEvent } from '../fine-tune/events.js';
import type { PreparedRun } from '../fine-tune/prepare-features.js';
import { trainUnfrozen } from './train-unfrozen.js';
import type { LoopOptions, TrainUnfrozenResult } from '../types.js';

/** What the unfrozen stage of `fineTune` hands back: the trained parts, the tuned encoder and the test features it gives. */
export interface UnfrozenStage {
  result: TrainUnfrozenResult;
  /** Encoder whose sentence vectors come from the tuned layers (owns the base encoder and the layers). */
  encoder: Encoder;
  /** Test-split sentence vectors through the tuned encoder (the prediction route). */
  testFeatures: Float32Array;
  /** Validation sentence vectors through the tuned layers (for calibration and the abstention threshold). */
  valFeatures: Float32Array;
  /** What `saveModel` needs to store the tuned layers. */
  tuned: { info: Omit<TunedLayersInfo, 'file' | 'sha256' | 'tensors'>; parameters: () => Promise<LayerParameter[]> };
  cache: { hits: number; misses: number; discarded: { file: string; problem: string }[] };
  seconds: { encode: number; train: number };
}

/**
 * The encode and train stages of `fineTune` with the top `run.settings.unfreeze` layers trained: the layer-(L-k) states of
 * every text are computed once by the frozen bottom (ONNX Runtime, the encoder's dtype) into the on-disk state store,
 * then `trainUnfrozen` trains layers and head on batches streamed from it.
 */
export async function fineTuneUnfrozen(
  run: PreparedRun,
  loop: Pick<LoopOptions, 'signal' | 'checkpointDir' | 'resume'> & { onEvent?: (event: FineTuneEvent) => void },
): Promise<UnfrozenStage> {
  const { encoder, settings, splits } = run;
  const maxLength = run.maxLength.maxLength;
  const emit = loop.onEvent ?? (() => {});
  const count = settings.unfreeze ?? 0;
  const modelDir = encoderModelDir(encoder);
  const config = await readBertConfig(modelDir);
  checkUnfreezeCount(count, config, settings.model);
  const pooling = encoder.info.pooling;
  const firstLayer = config.numHiddenLayers - count;
  const weights = await loadUnfrozenWeights(modelDir, config, count, pooling === 'pooler');
  const states = await createStatesEncoder(modelDir, config, firstLayer, { dtype: encoder.info.dtype });
  const temporary = settings.cache ? undefined : await mkdtemp(path.join(tmpdir(), 'senti-states-'));
  const store = await LayerStateStore.open(
    temporary ?? settings.cacheDir ?? defaultCacheDir(),
    states.identity,
    maxLength,
    'fp16',
  );
  let layers: BertTopLayers | undefined;
  try {
    const encodeStarted = Date.now();
    const texts = [...splits.train.texts, ...splits.val.texts];
    const encoded = await encodeLayerStates({
      texts,
      tokenizer: encoder.tokenizer,
      encoder: states,
      store,
      maxLength,
      onProgress: (done, total) => {
        throwIfAborted(loop.signal, 'encoding');
        emit({ type: 'encode', done, total });
      },
    });
    const encodeSeconds = (Date.now() - encodeStarted) / 1000;
    emit({
      type: 'encoded',
      hits: encoded.reused,
      misses: encoded.computed,
      discarded: store.discarded,
      seconds: encodeSeconds,
    });
    const nTrain = splits.train.texts.length;
    layers = new BertTopLayers(config, weights, pooling);
    const trainStarted = Date.now();
    const result = await trainUnfrozen({
      store,
      layers,
      train: { keys: encoded.keys.slice(0, nTrain), labels: splits.train.labels },
      val: { keys: encoded.keys.slice(nTrain), labels: splits.val.labels },
      numClasses: splits.labelNames.length,
      head: { dropout: settings.dropout },
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      encoderLearningRate: settings.encoderLearningRate,
      weightDecay: settings.weightDecay,
      schedule: settings.schedule,
      classWeights: splits.classWeights,
      seed: settings.seed,
      ...loop,
      ...(settings.patience !== undefined ? { patience: settings.patience } : {}),
    });
    const trainSeconds = (Date.now() - trainStarted) / 1000;
    const tunedEncoder = createTunedEncoder(encoder, states, layers);
    const testFeatures = await tunedEncoder.encode(splits.test.texts, { maxLength });
    const valFeatures = await tunedEncoder.encode(splits.val.texts, { maxLength });
    const tunedLayers = layers;
    return {
      result,
      encoder: tunedEncoder,
      testFeatures,
      valFeatures,
      tuned: {
        info: { firstLayer, count, pooling, statesRoute: states.identity.route, dtype: encoder.info.dtype },
        parameters: () => tunedLayers.getParameters(),
      },
      cache: { hits: encoded.reused, misses: encoded.computed, discarded: store.discarded },
      seconds: { encode: encodeSeconds, train: trainSeconds },
    };
  } catch (error) {
    layers?.dispose();
    await states.dispose();
    throw error;
  } finally {
    store.close();
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
  }
}
