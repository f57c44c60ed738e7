/**
 * `senti predict ... --output - | head -1`: once the reader of stdout has gone, further writes fail with EPIPE, which
 * Node raises as an unhandled 'error' event (a stack trace and exit 1). Like Unix tools, senti then ends quietly with
 * exit 0: nobody is left to read the rest. A closed stderr is ignored the same way (the command's outcome is its exit
 * code). Other stream errors are real and still surface.
 */
export function endQuietlyWhenOutputCloses(stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
