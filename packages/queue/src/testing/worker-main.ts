// A worker process for tests: options as JSON in argv[2], one JSON event per stdout line, SIGTERM closes gracefully.
import { runWorker, type RunWorkerOptions } from '../run-worker.js';

const options = JSON.parse(process.argv[2] ?? '{}') as RunWorkerOptions;
const worker = await runWorker({ ...options, onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`) });
process.once('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
// Its own setup error (wrong model): the chunk is already back on the queue; say why, stop, exit 1.
void worker.setupFailed.then(async (error) => {
  process.stderr.write(`${error.message}\n`);
  await worker.close();
  process.exit(1);
});
