import { join } from 'node:path';
import type { RunSummary } from '@senti/train';
import { runProcess } from './run-process.js';

/** One `senti train` run as a separate process (the real CLI), with its own wall time including start-up. */
export interface SentiRun {
  label: string;
  wallSeconds: number;
  /** What `senti train --json` prints: @senti/train's run summary. */
  summary: RunSummary;
}

/** Runs the real CLI entry point from source, exactly as `pnpm --filter cli start train` does, without pnpm's overhead. */
export async function runSentiTrain(
  repoRoot: string,
  label: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<SentiRun> {
  const main = join(repoRoot, 'apps', 'cli', 'src', 'main.ts');
  const result = await runProcess(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', main, 'train', ...args, '--json'],
    { cwd: repoRoot, env: { CI: 'true', ...env } },
  );
  if (result.code !== 0)
    throw new Error(`senti train (${label}) exited ${result.code}:\n${result.stderr.slice(-2000)}`);
  return { label, wallSeconds: result.seconds, summary: JSON.parse(result.stdout) as RunSummary };
}
