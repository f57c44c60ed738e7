// Test helpers for packages that drive the queue with real parts: a throwaway redis-server and worker processes.
export { freePort, redisServerPath, startRedis, TEST_TLS_CERT, type TestRedis } from './redis-server.js';
export { spawnWorker, type WorkerProcess } from './worker-process.js';
export { sampleTexts, TINY_BERT } from './sample-texts.js';
