import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { runProcess } from './run-process.js';

/** What tutorial-pipeline-torch.py prints. */
export interface TorchResult {
  rows: number;
  train: number;
  val: number;
  test: number;
  epochs: number;
  seconds: number;
  threads: number;
}

/** The reference run and its 10-epoch estimate. */
export interface TorchReference {
  measured: TorchResult;
  /** 10-epoch time: every epoch encodes train + val again; the test split is encoded once. */
  estimatedSeconds: (epochs: number, sizes?: { train: number; val: number; test: number }) => number;
}

/**
 * Runs the tutorial's PyTorch pipeline for one epoch (the per-epoch cost is constant) and scales it. Threads are set
 * to the core count: Debian's torch defaults to one thread here, which would flatter senti.
 */
export async function measureTorchReference(script: string, csv: string): Promise<TorchReference | undefined> {
  if (!existsSync(script)) {
    process.stderr.write(`no ${script}: tutorial PyTorch anchor skipped\n`);
    return undefined;
  }
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const result = await runProcess(python, [script, csv, '--epochs', '1', '--threads', String(cpus().length)], {
    timeoutSeconds: 1800,
  });
  if (result.code !== 0) {
    process.stderr.write(
      `tutorial PyTorch anchor failed (install Debian's python3-torch python3-numpy libopenblas0-pthread):\n${result.stderr.slice(-1000)}\n`,
    );
    return undefined;
  }
  const measured = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as TorchResult;
  const perSentence = measured.seconds / (measured.train + measured.val + measured.test);
  return {
    measured,
    estimatedSeconds: (epochs, sizes = measured) => perSentence * (epochs * (sizes.train + sizes.val) + sizes.test),
  };
}
