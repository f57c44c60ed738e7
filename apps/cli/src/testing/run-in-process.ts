import { PassThrough, Writable } from 'node:stream';
import { runSenti } from '../run-senti.js';

/** What an in-process `senti` run printed and its exit code. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `senti` in this process (no spawn) with captured streams; `stdin` is what the command reads from `-`. */
export async function runInProcess(args: readonly string[], stdin: string | Buffer = ''): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const input = new PassThrough();
  input.end(stdin);
  const code = await runSenti(args, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    stdin: input,
    interactive: false,
  });
  return { code, stdout, stderr };
}
