import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { runProcess } from './run-process.js';

/** One line of peer-encode-once-torch.py: the careful PyTorch user (encode once, then train the head). */
export interface PeerLine {
  peer: string;
  dtype: 'fp32' | 'int8';
  rows: number;
  threads: number;
  encode_s: number;
  encode_sent_per_s: number;
  head_s: number;
  head_samples_per_s: number;
  total_s: number;
}

/** Both lines (fp32, dynamic int8) and the faster one, which is what a ratio is taken against. */
export interface PeerReference {
  lines: PeerLine[];
  fastest: PeerLine;
}

/**
 * Runs the careful PyTorch user's pipeline (../shared/tools/peer-encode-once-torch.py: encode every sentence once,
 * no_grad, sorted by length, padded per batch, fp32 and int8, then 10 head epochs on the features) with every core.
 */
export async function measurePeerReference(
  script: string,
  csv: string,
  epochs: number,
): Promise<PeerReference | undefined> {
  if (!existsSync(script)) {
    process.stderr.write(`no ${script}: careful-PyTorch anchor skipped\n`);
    return undefined;
  }
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const result = await runProcess(
    python,
    [script, csv, '--threads', String(cpus().length), '--epochs', String(epochs)],
    { timeoutSeconds: 3600 },
  );
  if (result.code !== 0) {
    process.stderr.write(
      `careful-PyTorch anchor failed (install Debian's python3-torch python3-numpy libopenblas0-pthread):\n${result.stderr.slice(-1000)}\n`,
    );
    return undefined;
  }
  const lines = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as PeerLine);
  if (lines.length === 0) return undefined;
  const fastest = lines.reduce((best, line) => (line.total_s < best.total_s ? line : best));
  return { lines, fastest };
}
