#!/usr/bin/env node
// The `senti-server` command: parse flags and environment, load the model, serve, drain on SIGTERM/SIGINT.
import { checkServable, loadModelInThread } from '@senti/model/serving';
import { createServer } from './app.js';
import { httpLimitsOf, parseConfig, USAGE, type ServerConfig } from './config.js';
import { startupErrorLine } from './startup-error.js';

async function main(): Promise<void> {
  let config: ServerConfig | undefined;
  const fail = (error: unknown, exitCode = 1): never => {
    process.stderr.write(
      `${startupErrorLine(error, { verbose: config?.verbose ?? process.argv.includes('--verbose') })}\n`,
    );
    process.exit(exitCode);
  };

  try {
    config = parseConfig(process.argv.slice(2), process.env, process.env.INIT_CWD || process.cwd());
  } catch (error) {
    return fail(error, 2);
  }
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { modelDir, device } = config;
  try {
    await checkServable(modelDir); // fail fast, with the artifact's own message, before listening
  } catch (error) {
    return fail(error);
  }

  const server = createServer({
    // The model runs on its own thread, so a batch never blocks HTTP, health checks or 503s.
    loadModel: () =>
      loadModelInThread(modelDir, {
        device,
        ...(config.encoder !== undefined ? { encoderModel: config.encoder } : {}),
      }),
    maxBatchSize: config.maxBatchSize,
    maxWaitMs: config.maxWaitMs,
    maxQueuedTexts: config.maxQueuedTexts,
    maxQueueMs: config.maxQueueMs,
    maxTexts: config.maxTexts,
    maxChars: config.maxChars,
    bodyLimit: config.bodyLimit,
    http: httpLimitsOf(config),
    ...(config.healthPort !== undefined ? { healthPort: config.healthPort } : {}),
    ...(config.abstainBelow !== undefined ? { abstainBelow: config.abstainBelow } : {}),
    logger: { level: config.logLevel },
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.app.log.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    stopping = true;
    // SIGTERM (an orchestrator): readiness turns 503 first and requests are still served for the drain delay, so a
    // load balancer sees the instance leave; Ctrl-C (a person) closes at once.
    const delay = signal === 'SIGTERM' && server.predictor.state !== 'loading' ? config!.drainDelayMs : 0;
    server.leave();
    if (delay > 0)
      server.app.log.info(
        { signal, drainDelayMs: delay },
        'shutting down: /readyz answers 503 before the listener closes',
      );
    const closed = new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() => {
      server.app.log.info({ signal }, 'shutting down: refusing new connections, draining in-flight requests');
      return server.close();
    });
    closed.then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.stderr.write(`${startupErrorLine(error, { verbose: config?.verbose ?? false })}\n`); // logs may be async: one line that is sure to be seen
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  let address: string;
  try {
    address = await server.listen({ port: config.port, host: config.host });
  } catch (error) {
    if (stopping) return; // a signal during start-up: stop() exits 0 once closed
    await server.close().catch(() => {});
    // The health listener's error names its own port and flag.
    const named = (error as { flag?: string }).flag !== undefined;
    return fail(named ? error : Object.assign(error as Error, { port: config.port, host: config.host }));
  }
  // The address is worth a line at any log level (with --port 0 it is the only way to learn the port).
  if (['warn', 'error', 'fatal'].includes(config.logLevel))
    process.stderr.write(`senti-server: listening on ${address}\n`);
  if (server.healthPort !== undefined) {
    const line = `health probes (/healthz, /readyz) also on http://${config.host}:${server.healthPort}`;
    if (['warn', 'error', 'fatal'].includes(config.logLevel)) process.stderr.write(`senti-server: ${line}\n`);
    else server.app.log.info({ healthPort: server.healthPort }, line);
  }
  try {
    await server.ready;
  } catch (error) {
    if (stopping) return; // SIGTERM while the model loads: "the model is shutting down" is the expected end, exit 0
    await server.close().catch(() => {});
    return fail(error);
  }
}

await main();
