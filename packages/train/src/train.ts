import { createHead } from '@senti/model';
import { AdamW } from './adamw.js';
import { checkpointFingerprint } from './checkpoint.js';
import { runEpochs, type EpochSteps } from './epoch-loop.js';
import { evaluateHead } from './evaluate-head.js';
import { resolveTrainOptions } from './resolve-options.js';
import { StepRunner } from './step-runner.js';
import { TransposedHead } from './transposed-head.js';
import type { TrainOptions, TrainResult } from './types.js';

/** Train a head on feature rows: AdamW, class-weighted NLL, clipping, best-validation restore, checkpoints, resume. */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const resolved = resolveTrainOptions(options);
  const { batchSize, classWeights } = resolved;
  const head = createHead(resolved.head, { seed: resolved.seed });
  if (options.initialWeights !== undefined) head.setWeights(options.initialWeights);
  try {
    const result = await runEpochs(
      {
        getWeights: () => head.getWeights(),
        setWeights: (weights) => head.setWeights(weights),
        evaluate: () => evaluateHead(head, options.val, classWeights, { batchSize }),
        startSteps: (state) => {
          // Training runs with w1 transposed (see TransposedHead); `syncModel` brings the head's w1 up to date.
          const transposed = new TransposedHead(head);
          const optimizer = new AdamW(transposed.variables, {
            learningRate: resolved.learningRate,
            betas: resolved.betas,
            eps: resolved.eps,
            weightDecay: resolved.weightDecay,
          });
          if (state !== undefined)
            optimizer.setState({
              ...state,
              firstMoments: transposed.pack(state.firstMoments),
              secondMoments: transposed.pack(state.secondMoments),
            });
          const runner = new StepRunner(transposed, optimizer, options.train, classWeights, resolved.clipNorm);
          return headSteps(runner, optimizer, transposed, head);
        },
        yieldEvery: 64,
      },
      {
        ...resolved,
        ...loopOptionsOf(options),
        rows: options.train.labels.length,
        fingerprint: checkpointFingerprint(resolved, options.train, options.val),
      },
    );
    return { head, ...result };
  } catch (error) {
    head.dispose();
    throw error;
  }
}

/** The frozen head's step machinery as the epoch loop drives it. */
function headSteps(
  runner: StepRunner,
  optimizer: AdamW,
  transposed: TransposedHead,
  head: Parameters<TransposedHead['writeTo']>[0],
): EpochSteps {
  return {
    step: async (indices, dropoutSeed, read) =>
      read === 'trace'
        ? runner.tracedStep(indices, dropoutSeed)
        : runner
            .step(indices, dropoutSeed, read === 'loss')
            .then((loss) => (loss === undefined ? undefined : { loss })),
    resetLossSum: () => runner.resetLossSum(),
    readLossSum: () => runner.readLossSum(),
    syncModel: () => transposed.writeTo(head),
    optimizerState: async () => {
      const state = await optimizer.getState();
      return {
        ...state,
        firstMoments: transposed.unpack(state.firstMoments),
        secondMoments: transposed.unpack(state.secondMoments),
      };
    },
    dispose: () => {
      runner.dispose();
      optimizer.dispose();
      transposed.dispose();
    },
  };
}

/** The loop options a caller of `train` or `trainUnfrozen` passes through unchanged. */
export function loopOptionsOf(
  options: Pick<
    TrainOptions,
    'checkpointDir' | 'resume' | 'onEvent' | 'signal' | 'onDiverge' | 'shuffle' | 'traceSteps'
  >,
) {
  const { checkpointDir, resume, onEvent, signal, onDiverge, shuffle, traceSteps } = options;
  return { checkpointDir, resume, onEvent, signal, onDiverge, shuffle, traceSteps };
}
