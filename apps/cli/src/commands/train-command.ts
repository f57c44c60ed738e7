import type { Command } from 'commander';
import { UsageError } from '@senti/errors';
import type { Device, DtypeChoice, Pooling } from '@senti/model';
import { ConsoleOutput } from '../output/console-output.js';
import { parseChoice, parseInteger, parseMaxLength, parseNumber } from '../options/parse-values.js';
import { runTraining } from '../pipeline/run-training.js';
import { DEFAULT_TRAIN_SETTINGS } from '../pipeline/train-settings.js';
import { checkQualityGates } from './quality-gates.js';
import { newCommand } from './new-command.js';

interface TrainFlags {
  data?: string;
  val?: string;
  test?: string;
  textColumn?: string;
  labelColumn?: string;
  model?: string;
  maxLength?: 'auto' | number;
  coverage?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  seed?: number;
  device?: Device;
  dtype?: DtypeChoice;
  pooling?: Pooling;
  preset?: 'tutorial';
  patience?: number;
  resume?: string;
  out?: string;
  overwrite?: boolean;
  offline?: boolean;
  cache: boolean;
  cacheDir?: string;
  keepDuplicates?: boolean;
  minAccuracy?: number;
  minF1?: number;
  json?: boolean;
}

const D = DEFAULT_TRAIN_SETTINGS;

/** `senti train`: the main job. */
export function trainCommand(): Command {
  return newCommand('train', 'Split the data, encode it once with the frozen encoder, train the head, report on the test split.')
    .option('--data <file>', 'CSV/TSV with a text and a label column (required unless --resume)')
    .option('--text-column <name>', 'text column (default: "sentence", else "text")')
    .option('--label-column <name>', 'label column (default: "label")')
    .option('--val <file>', 'validation file (with --test: use these instead of a 70/15/15 split)')
    .option('--test <file>', 'test file (with --val)')
    .option('--model <id|dir>', `encoder: Hugging Face hub id or local directory (default: ${D.model})`)
    .option('--max-length <auto|n>', 'padding length in tokens (default: auto, covers 95% of training texts)', parseMaxLength)
    .option('--coverage <share>', 'share of training texts --max-length auto must fit (default: 0.95)', parseNumber('--coverage', 0.01, 1))
    .option('--epochs <n>', `training epochs (default: ${D.epochs})`, parseInteger('--epochs'))
    .option('--batch-size <n>', `batch size (default: ${D.batchSize})`, parseInteger('--batch-size'))
    .option('--lr <rate>', `AdamW learning rate of the head (default: ${D.learningRate})`, parseNumber('--lr', 0))
    .option('--weight-decay <w>', `AdamW decoupled weight decay (default: ${D.weightDecay})`, parseNumber('--weight-decay', 0))
    .option('--seed <n>', `seed for split, shuffles, dropout and init (default: ${D.seed})`, parseInteger('--seed', 0))
    .option('--device <auto|cpu|gpu>', 'where encoder and head run (default: auto)', parseChoice('--device', ['auto', 'cpu', 'gpu']))
    .option('--dtype <auto|fp32|fp16|q8>', 'encoder weights (default: auto = int8 q8 on CPU, fp32 on GPU)', parseChoice('--dtype', ['auto', 'fp32', 'fp16', 'q8']))
    .option('--pooling <pooler|cls|mean>', 'sentence vector (default: pooler when the model has it)', parseChoice('--pooling', ['pooler', 'cls', 'mean']))
    .option('--preset <name>', 'tutorial: lr 1e-5, max length 17, pooler, fp32, batch 32, 10 epochs, seed 2021', parseChoice('--preset', ['tutorial']))
    .option('--patience <n>', 'stop after n epochs without a better validation loss', parseInteger('--patience'))
    .option('--resume <run-dir>', 'continue a stopped run from its last checkpoint (same settings)')
    .option('--out <dir>', 'run directory (default: runs/<timestamp>)')
    .option('--overwrite', 'allow --out to be a non-empty directory')
    .option('--offline', 'never download models (also SENTI_OFFLINE=1)')
    .option('--cache-dir <dir>', 'feature cache directory (default: SENTI_CACHE_DIR or ~/.cache/senti)')
    .option('--no-cache', 'encode everything again, without reading or writing the feature cache')
    .option('--keep-duplicates', 'keep repeated (text, label) rows (the tutorial does)')
    .option('--min-accuracy <x>', 'exit 3 if test accuracy is below x (after writing everything)', parseNumber('--min-accuracy', 0, 1))
    .option('--min-f1 <x>', 'exit 3 if test macro F1 is below x (after writing everything)', parseNumber('--min-f1', 0, 1))
    .action(async (flags: TrainFlags) => {
      const output = new ConsoleOutput({ json: flags.json ?? false });
      if (!flags.data && !flags.resume) {
        throw new UsageError('CLI_MISSING_OPTION', 'train needs --data <file> (a CSV with a text and a label column), or --resume <run-dir>');
      }
      const summary = await runTraining(
        {
          data: flags.data ?? '',
          val: flags.val,
          test: flags.test,
          textColumn: flags.textColumn,
          labelColumn: flags.labelColumn,
          model: flags.model,
          maxLength: flags.maxLength,
          coverage: flags.coverage,
          epochs: flags.epochs,
          batchSize: flags.batchSize,
          learningRate: flags.lr,
          weightDecay: flags.weightDecay,
          seed: flags.seed,
          device: flags.device,
          dtype: flags.dtype,
          pooling: flags.pooling,
          patience: flags.patience,
          offline: flags.offline || process.env.SENTI_OFFLINE === '1' || undefined,
          cacheDir: flags.cacheDir,
          cache: flags.cache,
          dropDuplicates: flags.keepDuplicates ? false : undefined,
          minAccuracy: flags.minAccuracy,
          minF1: flags.minF1,
          preset: flags.preset,
        },
        output,
        { out: flags.out, overwrite: flags.overwrite ?? false, resume: flags.resume },
      );
      output.result(summary);
      checkQualityGates({ accuracy: summary.testAccuracy, macroF1: summary.testMacroF1 }, flags);
    });
}
