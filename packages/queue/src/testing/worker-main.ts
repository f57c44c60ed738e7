// A worker process for tests: options as JSON in argv[2], one JSON event per stdout line, SIGTERM closes gracefully.
import { runWorker, type RunWorkerOptions } from '../run-worker.js';

const options = JSON.parse(process.argv[2] ?? '{}') as RunWorkerOptions;
const worker = await runWorker({ ...options, onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`) });
process.once('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
