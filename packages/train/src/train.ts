import { TrainError } from '@senti/errors';
import { createHead } from '@senti/model';
import { AdamW } from './adamw.js';
import { assertSameFingerprint, checkpointFingerprint, loadCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint.js';
import { evaluateHead } from './evaluate-head.js';
import { TransposedHead } from './transposed-head.js';
import { resolveTrainOptions } from './resolve-options.js';
import { epochPermutation, stepSeed } from './shuffle.js';
import { StepRunner } from './step-runner.js';
import type { EpochRecord, TrainOptions, TrainResult } from './types.js';

/** How often (at most) a step event reads the loss back from the device. */
const STEP_EVENT_INTERVAL_MS = 250;

/** Train a head on feature rows: AdamW, class-weighted NLL, clipping, best-validation restore, checkpoints, resume. */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const resolved = resolveTrainOptions(options);
  const { epochs, batchSize, seed, classWeights, patience } = resolved;
  const emit = options.onEvent ?? (() => {});
  const head = createHead(resolved.head, { seed });
  if (options.initialWeights !== undefined) head.setWeights(options.initialWeights);
  const fingerprint = checkpointFingerprint(resolved, options.train, options.val);
  let history: EpochRecord[] = [];
  let bestEpoch = 0;
  let bestValLoss = Infinity;
  let bestWeights = await head.getWeights();
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
      head.setWeights(saved.weights);
      ({ history, bestEpoch, bestValLoss, bestWeights, epochsWithoutImprovement, stoppedEarly } = saved);
      startEpoch = saved.epoch + 1;
    }
  }

  // Training runs with w1 transposed (see TransposedHead); the head's w1 is brought up to date every epoch.
  const transposed = new TransposedHead(head);
  const optimizer = new AdamW(transposed.variables, {
    learningRate: resolved.learningRate, betas: resolved.betas, eps: resolved.eps, weightDecay: resolved.weightDecay,
  });
  if (saved !== undefined) {
    optimizer.setState({ step: saved.optimizerStep, firstMoments: transposed.pack(saved.firstMoments), secondMoments: transposed.pack(saved.secondMoments) });
  }

  const n = options.train.labels.length;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const runner = new StepRunner(transposed, optimizer, options.train, classWeights, resolved.clipNorm);
  const started = performance.now();
  const totalSteps = Math.max(0, epochs - startEpoch + 1) * stepsPerEpoch;
  let stepsDone = 0;
  const eta = () => (stepsDone === 0 ? 0 : Math.round(((performance.now() - started) / stepsDone) * (totalSteps - stepsDone)));
  emit({ type: 'start', epochs, stepsPerEpoch, startEpoch });
  try {
    for (let epoch = startEpoch; epoch <= epochs && !stoppedEarly; epoch += 1) {
      const epochStarted = performance.now();
      const order = options.shuffle === false ? Int32Array.from({ length: n }, (_, index) => index) : epochPermutation(n, seed, epoch);
      runner.resetLossSum();
      let lastEvent = performance.now();
      for (let step = 0; step < stepsPerEpoch; step += 1) {
        const indices = order.subarray(step * batchSize, Math.min(n, (step + 1) * batchSize));
        const wantEvent = options.onEvent !== undefined &&
          (step === stepsPerEpoch - 1 || performance.now() - lastEvent >= STEP_EVENT_INTERVAL_MS);
        const dropoutSeed = stepSeed(seed, epoch, step);
        const traced = options.traceSteps === true ? await runner.tracedStep(indices, dropoutSeed) : undefined;
        const loss = traced?.loss ?? await runner.step(indices, dropoutSeed, wantEvent);
        stepsDone += 1;
        if (loss !== undefined) {
          lastEvent = performance.now();
          emit({ type: 'step', epoch, step: step + 1, stepsPerEpoch, loss, elapsedMs: Math.round(lastEvent - started), etaMs: eta(), ...(traced ? { gradNorm: traced.gradNorm } : {}) });
        }
        if (step % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
      }
      const trainLoss = (await runner.readLossSum()) / stepsPerEpoch;
      transposed.writeTo(head);
      const evaluation = await evaluateHead(head, options.val, classWeights, { batchSize });
      const improved = evaluation.loss < bestValLoss;
      if (improved) {
        bestValLoss = evaluation.loss;
        bestEpoch = epoch;
        bestWeights = await head.getWeights();
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
        const state: CheckpointState = { fingerprint, epoch, optimizerStep, history, bestEpoch, bestValLoss, epochsWithoutImprovement,
          stoppedEarly, weights: await head.getWeights(), firstMoments: transposed.unpack(firstMoments), secondMoments: transposed.unpack(secondMoments),
          bestWeights };
        await saveCheckpoint(options.checkpointDir, state);
      }
    }
  } catch (error) {
    head.dispose();
    throw error;
  } finally {
    runner.dispose();
    optimizer.dispose();
    transposed.dispose();
  }
  if (bestEpoch > 0) {
    head.setWeights(bestWeights);
    emit({ type: 'restore', bestEpoch, bestValLoss });
  }
  return { head, history, bestEpoch, bestValLoss, stoppedEarly };
}
