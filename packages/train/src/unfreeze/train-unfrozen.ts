import { createHash } from 'node:crypto';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '@senti/errors';
import { createHead } from '@senti/model';
import { isNoDecay } from '@senti/model/layers';
import { assertSameFingerprint, loadCheckpoint, saveCheckpoint, type CheckpointFingerprint, type CheckpointState } from '../checkpoint.js';
import { epochPermutation, stepSeed } from '../shuffle.js';
import type { EpochRecord } from '../types.js';
import { weightedOneHot } from '../weighted-nll.js';
import { evaluateUnfrozen } from './evaluate-unfrozen.js';
import { GroupedAdamW } from './grouped-adamw.js';
import { learningRateFactor } from './lr-schedule.js';
import { loadGradients } from './load-gradients.js';
import { resolveUnfrozenOptions, type ResolvedUnfrozenOptions } from './resolve-unfrozen-options.js';
import { statesTensors } from './states-batch.js';
import type { TrainUnfrozenOptions, TrainUnfrozenResult } from './types.js';
import { unfrozenLossAndGradients } from './unfrozen-loss.js';

/**
 * Fine-tunes the top k encoder layers and the head together on stored layer-(L-k) states: AdamW with separate learning
 * rates (head / layers), no decay for biases and LayerNorm weights, dropout inside the layers and the head while
 * training, optional linear warm-up/decay, global clipping over every trained tensor, best-validation restore,
 * checkpoints and bit-exact resume. Batches stream from the store.
 */
export async function trainUnfrozen(options: TrainUnfrozenOptions): Promise<TrainUnfrozenResult> {
  const resolved = resolveUnfrozenOptions(options);
  await loadGradients();
  const { epochs, batchSize, seed, classWeights, patience } = resolved;
  const { layers, store } = options;
  const emit = options.onEvent ?? (() => {});
  const head = createHead(resolved.head, { seed });
  const fingerprint = unfrozenFingerprint(resolved, options);
  const getWeights = async () => [...await layers.getWeights(), ...await head.getWeights()];
  const setWeights = (weights: Float32Array[]) => {
    layers.setWeights(weights.slice(0, layers.variables.length));
    head.setWeights(weights.slice(layers.variables.length));
  };
  let history: EpochRecord[] = [];
  let bestEpoch = 0;
  let bestValLoss = Infinity;
  let bestWeights = await getWeights();
  let epochsWithoutImprovement = 0;
  let stoppedEarly = false;
  let startEpoch = 1;
  let saved: CheckpointState | undefined;
  if (options.resume === true) {
    if (options.checkpointDir === undefined) throw new TrainError('TRAIN_BAD_OPTION', 'resume needs a checkpointDir', 'usage');
    try {
      saved = await loadCheckpoint(options.checkpointDir);
      if (saved !== undefined) assertSameFingerprint(options.checkpointDir, saved.fingerprint, fingerprint);
    } catch (error) {
      head.dispose();
      throw error;
    }
    if (saved !== undefined) {
      setWeights(saved.weights);
      ({ history, bestEpoch, bestValLoss, bestWeights, epochsWithoutImprovement, stoppedEarly } = saved);
      startEpoch = saved.epoch + 1;
    }
  }

  const trained = [...layers.variables.map((variable, index) => ({ variable, name: layers.names[index]!, encoder: true })),
    ...head.variables.map((variable, index) => ({ variable, name: index % 2 === 0 ? 'head.weight' : 'head.bias', encoder: false }))];
  const groups = [true, false].flatMap((encoder) => [false, true].map((noDecay) => ({
    members: trained.filter((entry) => entry.encoder === encoder && isNoDecay(entry.name) === noDecay),
    learningRate: encoder ? resolved.encoderLearningRate : resolved.learningRate,
    weightDecay: noDecay ? 0 : resolved.weightDecay,
  })));
  const optimizer = new GroupedAdamW(groups.map((group) => ({ ...group, variables: group.members.map((entry) => entry.variable) })),
    { betas: resolved.betas, eps: resolved.eps });
  const gradientOrder = optimizer.variables.map((variable) => trained.findIndex((entry) => entry.variable === variable));
  // Checkpoints keep moments in weight order (the layers', then the head's), like the weights.
  const toOptimizerOrder = (arrays: Float32Array[]) => gradientOrder.map((index) => arrays[index]!);
  const toWeightOrder = (arrays: Float32Array[]) => {
    const ordered = new Array<Float32Array>(arrays.length);
    gradientOrder.forEach((index, position) => { ordered[index] = arrays[position]!; });
    return ordered;
  };
  if (saved !== undefined) {
    optimizer.setState({ step: saved.optimizerStep, firstMoments: toOptimizerOrder(saved.firstMoments), secondMoments: toOptimizerOrder(saved.secondMoments) });
  }

  const n = options.train.labels.length;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const warmupSteps = Math.floor(resolved.warmupRatio * totalSteps);
  const targets = weightedOneHot(options.train.labels, classWeights);
  const numClasses = classWeights.length;
  const lossSum = tf.variable(tf.scalar(0), false);
  const started = performance.now();
  const remainingSteps = Math.max(0, epochs - startEpoch + 1) * stepsPerEpoch;
  let stepsDone = 0;
  const eta = () => (stepsDone === 0 ? 0 : Math.round(((performance.now() - started) / stepsDone) * (remainingSteps - stepsDone)));
  emit({ type: 'start', epochs, stepsPerEpoch, startEpoch });
  try {
    for (let epoch = startEpoch; epoch <= epochs && !stoppedEarly; epoch += 1) {
      const epochStarted = performance.now();
      const order = epochPermutation(n, seed, epoch);
      tf.tidy(() => lossSum.assign(tf.scalar(0)));
      for (let step = 0; step < stepsPerEpoch; step += 1) {
        const indices = Array.from(order.subarray(step * batchSize, Math.min(n, (step + 1) * batchSize)));
        const factor = learningRateFactor(resolved.schedule, optimizer.step, totalSteps, warmupSteps);
        const loss = tf.tidy(() => {
          const { states, attentionMask } = statesTensors(store, indices.map((row) => options.train.keys[row]!));
          const batchTargets = new Float32Array(indices.length * numClasses);
          indices.forEach((row, at) => batchTargets.set(targets.subarray(row * numClasses, (row + 1) * numClasses), at * numClasses));
          const { loss: value, gradients } = unfrozenLossAndGradients(layers, head, states, attentionMask,
            tf.tensor2d(batchTargets, [indices.length, numClasses]), stepSeed(seed, epoch, step));
          optimizer.apply(gradientOrder.map((index) => gradients[index]!), resolved.clipNorm, factor);
          lossSum.assign(tf.add(lossSum, value));
          return value;
        });
        stepsDone += 1;
        if (options.onEvent !== undefined) {
          const value = (await loss.data())[0]!;
          emit({ type: 'step', epoch, step: step + 1, stepsPerEpoch, loss: value, elapsedMs: Math.round(performance.now() - started), etaMs: eta() });
        }
        loss.dispose();
        if (step % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
      }
      const trainLoss = (await lossSum.data())[0]! / stepsPerEpoch;
      const evaluation = await evaluateUnfrozen(layers, head, store, options.val, classWeights, batchSize);
      const improved = evaluation.loss < bestValLoss;
      if (improved) {
        bestValLoss = evaluation.loss;
        bestEpoch = epoch;
        bestWeights = await getWeights();
        epochsWithoutImprovement = 0;
      } else {
        epochsWithoutImprovement += 1;
      }
      history.push({ epoch, trainLoss, valLoss: evaluation.loss, valAccuracy: evaluation.accuracy, seconds: (performance.now() - epochStarted) / 1000 });
      emit({ type: 'epoch', epoch, trainLoss, valLoss: evaluation.loss, valAccuracy: evaluation.accuracy, improved, elapsedMs: Math.round(performance.now() - started), etaMs: eta() });
      if (patience !== undefined && epochsWithoutImprovement >= patience && epoch < epochs) {
        stoppedEarly = true;
        emit({ type: 'early-stop', epoch });
      }
      if (options.checkpointDir !== undefined) {
        const { firstMoments, secondMoments, step: optimizerStep } = await optimizer.getState();
        await saveCheckpoint(options.checkpointDir, { fingerprint, epoch, optimizerStep, history, bestEpoch, bestValLoss, epochsWithoutImprovement,
          stoppedEarly, weights: await getWeights(), firstMoments: toWeightOrder(firstMoments), secondMoments: toWeightOrder(secondMoments), bestWeights });
      }
    }
  } catch (error) {
    head.dispose();
    throw error;
  } finally {
    optimizer.dispose();
    lossSum.dispose();
  }
  if (bestEpoch > 0) {
    setWeights(bestWeights);
    emit({ type: 'restore', bestEpoch, bestValLoss });
  }
  return { head, layers, history, bestEpoch, bestValLoss, stoppedEarly };
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
