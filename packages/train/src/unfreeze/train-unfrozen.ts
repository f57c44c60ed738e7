import { createHash } from 'node:crypto';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createHead, type ClassificationHead } from '@senti/model';
import { isNoDecay, type BertTopLayers, type LayerStateStore } from '@senti/model/layers';
import { AdamW, type AdamWState } from '../adamw.js';
import type { CheckpointFingerprint } from '../checkpoint.js';
import { runEpochs, type EpochSteps } from '../epoch-loop.js';
import { resolveUnfrozenOptions, type ResolvedUnfrozenOptions } from '../resolve-options.js';
import { loopOptionsOf } from '../train.js';
import type { StatesSplit, TrainUnfrozenOptions, TrainUnfrozenResult } from '../types.js';
import { weightedOneHot } from '../weighted-nll.js';
import { evaluateUnfrozen } from './evaluate-unfrozen.js';
import { learningRateFactor } from './lr-schedule.js';
import { loadGradients } from './load-gradients.js';
import { statesTensors } from './states-batch.js';
import { unfrozenLossAndGradients } from './unfrozen-loss.js';

/**
 * Fine-tunes the top k encoder layers and the head together on stored layer-(L-k) states: AdamW with separate learning
 * rates (head / layers), no decay for biases and LayerNorm weights, dropout inside the layers and the head while
 * training, optional linear warm-up/decay, global clipping over every trained tensor, best-validation restore,
 * checkpoints and bit-exact resume (the epoch loop is `train`'s). Batches stream from the store.
 */
export async function trainUnfrozen(options: TrainUnfrozenOptions): Promise<TrainUnfrozenResult> {
  const resolved = resolveUnfrozenOptions(options);
  await loadGradients();
  const { layers, store } = options;
  const head = createHead(resolved.head, { seed: resolved.seed });
  try {
    const result = await runEpochs(
      {
        getWeights: async () => [...(await layers.getWeights()), ...(await head.getWeights())],
        setWeights: (weights) => {
          layers.setWeights(weights.slice(0, layers.variables.length));
          head.setWeights(weights.slice(layers.variables.length));
        },
        evaluate: () => evaluateUnfrozen(layers, head, store, options.val, resolved.classWeights, resolved.batchSize),
        startSteps: (state) => new UnfrozenSteps(layers, head, store, options.train, resolved, state),
        yieldEvery: 16,
      },
      {
        ...resolved,
        ...loopOptionsOf(options),
        shuffle: true,
        traceSteps: false,
        rows: options.train.labels.length,
        fingerprint: unfrozenFingerprint(resolved, options),
      },
    );
    return { head, layers, ...result };
  } catch (error) {
    head.dispose();
    throw error;
  }
}

/** Steps of the unfrozen layers and the head: one AdamW over four param groups (layers/head x decay/no decay). */
class UnfrozenSteps implements EpochSteps {
  private readonly optimizer: AdamW;
  /** Position in the trained tensors (the layers', then the head's) of each optimizer variable. */
  private readonly gradientOrder: number[];
  private readonly targets: Float32Array;
  private readonly lossSum = tf.tidy(() => tf.variable(tf.scalar(0), false));
  private readonly totalSteps: number;
  private readonly warmupSteps: number;

  constructor(
    private readonly layers: BertTopLayers,
    private readonly head: ClassificationHead,
    private readonly store: LayerStateStore,
    private readonly split: StatesSplit,
    private readonly resolved: ResolvedUnfrozenOptions,
    state: AdamWState | undefined,
  ) {
    const trained = [
      ...layers.variables.map((variable, index) => ({ variable, name: layers.names[index]!, encoder: true })),
      ...head.variables.map((variable, index) => ({
        variable,
        name: index % 2 === 0 ? 'head.weight' : 'head.bias',
        encoder: false,
      })),
    ];
    const groups = [true, false].flatMap((encoder) =>
      [false, true].map((noDecay) => ({
        variables: trained
          .filter((entry) => entry.encoder === encoder && isNoDecay(entry.name) === noDecay)
          .map((entry) => entry.variable),
        learningRate: encoder ? resolved.encoderLearningRate : resolved.learningRate,
        weightDecay: noDecay ? 0 : resolved.weightDecay,
      })),
    );
    this.optimizer = new AdamW(groups, { betas: resolved.betas, eps: resolved.eps });
    this.gradientOrder = this.optimizer.variables.map((variable) =>
      trained.findIndex((entry) => entry.variable === variable),
    );
    if (state !== undefined) {
      // Checkpoints keep moments in weight order (the layers', then the head's), like the weights.
      const toOptimizerOrder = (arrays: Float32Array[]) => this.gradientOrder.map((index) => arrays[index]!);
      this.optimizer.setState({
        step: state.step,
        firstMoments: toOptimizerOrder(state.firstMoments),
        secondMoments: toOptimizerOrder(state.secondMoments),
      });
    }
    this.targets = weightedOneHot(split.labels, resolved.classWeights);
    this.totalSteps = resolved.epochs * Math.ceil(split.labels.length / resolved.batchSize);
    this.warmupSteps = Math.floor(resolved.warmupRatio * this.totalSteps);
  }

  async step(indices: Int32Array, dropoutSeed: number, read: 'nothing' | 'loss' | 'trace') {
    const numClasses = this.resolved.classWeights.length;
    const factor = learningRateFactor(this.resolved.schedule, this.optimizer.step, this.totalSteps, this.warmupSteps);
    const loss = tf.tidy(() => {
      const { states, attentionMask } = statesTensors(
        this.store,
        Array.from(indices, (row) => this.split.keys[row]!),
      );
      const batchTargets = new Float32Array(indices.length * numClasses);
      indices.forEach((row, at) =>
        batchTargets.set(this.targets.subarray(row * numClasses, (row + 1) * numClasses), at * numClasses),
      );
      const { loss: value, gradients } = unfrozenLossAndGradients(
        this.layers,
        this.head,
        states,
        attentionMask,
        tf.tensor2d(batchTargets, [indices.length, numClasses]),
        dropoutSeed,
      );
      this.optimizer.apply(
        this.gradientOrder.map((index) => gradients[index]!),
        this.resolved.clipNorm,
        false,
        factor,
      );
      this.lossSum.assign(tf.add(this.lossSum, value));
      return value;
    });
    try {
      return read === 'nothing' ? undefined : { loss: (await loss.data())[0]! };
    } finally {
      loss.dispose();
    }
  }

  resetLossSum(): void {
    tf.tidy(() => this.lossSum.assign(tf.scalar(0)));
  }

  async readLossSum(): Promise<number> {
    return (await this.lossSum.data())[0]!;
  }

  /** The layers and the head are trained in place: nothing to copy. */
  syncModel(): void {}

  async optimizerState(): Promise<AdamWState> {
    const { firstMoments, secondMoments, step } = await this.optimizer.getState();
    const toWeightOrder = (arrays: Float32Array[]) => {
      const ordered = new Array<Float32Array>(arrays.length);
      this.gradientOrder.forEach((index, position) => {
        ordered[index] = arrays[position]!;
      });
      return ordered;
    };
    return { step, firstMoments: toWeightOrder(firstMoments), secondMoments: toWeightOrder(secondMoments) };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.lossSum.dispose();
  }
}

/** The settings and data a checkpoint of `trainUnfrozen` is tied to (epochs and patience may change on resume). */
function unfrozenFingerprint(resolved: ResolvedUnfrozenOptions, options: TrainUnfrozenOptions): CheckpointFingerprint {
  const hash = createHash('sha256');
  for (const split of [options.train, options.val]) {
    hash.update(split.keys.join(','));
    hash.update(Int32Array.from(split.labels));
  }
  const { epochs: _epochs, patience: _patience, ...settings } = resolved;
  return {
    ...settings,
    // The linear schedule's slope depends on the planned number of steps.
    ...(resolved.schedule === 'linear' ? { epochs: resolved.epochs } : {}),
    states: path.basename(options.store.dir),
    layers: options.layers.names.length,
    firstLayer: options.layers.firstLayer,
    pooling: options.layers.pooling,
    dataSha256: hash.digest('hex'),
  };
}
