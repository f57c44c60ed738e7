import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@senti/errors';
import type { HttpLimits } from './http-limits.js';

/** Everything `senti-server` can be configured with (flags override environment variables). */
export interface ServerConfig {
  /** Directory of the saved model (senti.json + head.bin). Flag --model-dir, env SENTI_MODEL_DIR. */
  modelDir: string;
  /** TCP port; 0 picks a free one. Flag --port, env PORT. Default 8080. */
  port: number;
  /** Interface to listen on. Flag --host, env HOST. Default 127.0.0.1. */
  host: string;
  /**
   * Port that also serves /healthz and /readyz, from a thread of its own (answered however busy the main port is);
   * 0 picks a free one. Flag --health-port, env SENTI_HEALTH_PORT. Default: none.
   */
  healthPort: number | undefined;
  /** Most texts in one encoder call. Flag --max-batch-size, env SENTI_MAX_BATCH_SIZE. Default 32. */
  maxBatchSize: number;
  /** Longest wait for more texts before a partial batch runs. Flag --max-wait-ms, env SENTI_MAX_WAIT_MS. Default 5. */
  maxWaitMs: number;
  /** Most texts waiting for the encoder; more get 503 + Retry-After. Flag --max-queue, env SENTI_MAX_QUEUE. Default 4096. */
  maxQueuedTexts: number;
  /** Longest expected wait for the encoder, ms; longer gets 503 + Retry-After at once. Flag --max-queue-ms, env SENTI_MAX_QUEUE_MS. Default 5000. */
  maxQueueMs: number;
  /**
   * On SIGTERM, how long /readyz answers 503 while requests are still served, before the listener closes: a load
   * balancer sees the instance leave instead of refused connections. Flag --drain-delay-ms, env SENTI_DRAIN_DELAY_MS.
   * Default 5000; Ctrl-C (SIGINT) skips it.
   */
  drainDelayMs: number;
  /** Most texts in one request. Flag --max-texts, env SENTI_MAX_TEXTS. Default 256. */
  maxTexts: number;
  /** Most characters in one text. Flag --max-chars, env SENTI_MAX_CHARS. Default 10000. */
  maxChars: number;
  /** Largest request body in bytes. Flag --body-limit, env SENTI_BODY_LIMIT. Default 1 MiB. */
  bodyLimit: number;
  /** Longest time to receive request headers, ms (slowloris guard). Flag --headers-timeout-ms, env SENTI_HEADERS_TIMEOUT_MS. Default 10000. */
  headersTimeoutMs: number;
  /** Longest time to receive a whole request, ms. Flag --request-timeout-ms, env SENTI_REQUEST_TIMEOUT_MS. Default 30000. */
  requestTimeoutMs: number;
  /** Idle keep-alive connections close after this, ms. Flag --keep-alive-timeout-ms, env SENTI_KEEP_ALIVE_TIMEOUT_MS. Default 72000. */
  keepAliveTimeoutMs: number;
  /** Most open connections. Flag --max-connections, env SENTI_MAX_CONNECTIONS. Default 1024. */
  maxConnections: number;
  /** Largest request head in bytes (431 above). Flag --max-header-bytes, env SENTI_MAX_HEADER_BYTES. Default 16384. */
  maxHeaderBytes: number;
  /** Where the encoder runs. Flag --device, env SENTI_DEVICE. Default auto. */
  device: 'auto' | 'cpu' | 'gpu';
  /** Where the encoder lives now, when it moved since training (directory or Hub id). Flag --encoder, env SENTI_ENCODER. */
  encoder: string | undefined;
  /** Default abstention threshold (a request's abstainBelow overrides it). Flag --abstain-below, env SENTI_ABSTAIN_BELOW. Default: the model's, else none. */
  abstainBelow: number | undefined;
  /** pino log level. Flag --log-level, env SENTI_LOG_LEVEL. Default info. */
  logLevel: string;
  /** Print stacks of startup errors. Flag --verbose. */
  verbose: boolean;
  /** Print usage and exit. Flag --help. */
  help: boolean;
}

/** One configurable number: flag, environment variable, default and smallest allowed value. */
const NUMBERS = {
  port: { flag: 'port', env: 'PORT', fallback: 8080, min: 0, max: 65535 },
  healthPort: { flag: 'health-port', env: 'SENTI_HEALTH_PORT', fallback: -1, min: 0, max: 65535 },
  maxBatchSize: { flag: 'max-batch-size', env: 'SENTI_MAX_BATCH_SIZE', fallback: 32, min: 1 },
  maxWaitMs: { flag: 'max-wait-ms', env: 'SENTI_MAX_WAIT_MS', fallback: 5, min: 0 },
  maxQueuedTexts: { flag: 'max-queue', env: 'SENTI_MAX_QUEUE', fallback: 4096, min: 1 },
  maxQueueMs: { flag: 'max-queue-ms', env: 'SENTI_MAX_QUEUE_MS', fallback: 5000, min: 1 },
  drainDelayMs: { flag: 'drain-delay-ms', env: 'SENTI_DRAIN_DELAY_MS', fallback: 5000, min: 0 },
  maxTexts: { flag: 'max-texts', env: 'SENTI_MAX_TEXTS', fallback: 256, min: 1 },
  maxChars: { flag: 'max-chars', env: 'SENTI_MAX_CHARS', fallback: 10_000, min: 1 },
  bodyLimit: { flag: 'body-limit', env: 'SENTI_BODY_LIMIT', fallback: 1_048_576, min: 1 },
  headersTimeoutMs: { flag: 'headers-timeout-ms', env: 'SENTI_HEADERS_TIMEOUT_MS', fallback: 10_000, min: 1 },
  requestTimeoutMs: { flag: 'request-timeout-ms', env: 'SENTI_REQUEST_TIMEOUT_MS', fallback: 30_000, min: 1 },
  keepAliveTimeoutMs: { flag: 'keep-alive-timeout-ms', env: 'SENTI_KEEP_ALIVE_TIMEOUT_MS', fallback: 72_000, min: 1 },
  maxConnections: { flag: 'max-connections', env: 'SENTI_MAX_CONNECTIONS', fallback: 1024, min: 1 },
  maxHeaderBytes: { flag: 'max-header-bytes', env: 'SENTI_MAX_HEADER_BYTES', fallback: 16_384, min: 1024 },
} as const satisfies Record<string, { flag: string; env: string; fallback: number; min: number; max?: number }>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DEVICES = ['auto', 'cpu', 'gpu'] as const;

/** The text `--help` prints. */
export const USAGE = `Usage: senti-server --model-dir DIR [options]

Options (environment variable in brackets):
  --model-dir DIR        saved model directory [SENTI_MODEL_DIR] (required)
  --port N               TCP port, 0 = any free port [PORT] (8080)
  --host HOST            interface to listen on [HOST] (127.0.0.1)
  --health-port N        also answer /healthz and /readyz on this port, from their own thread: probes are
                         answered at once even when the main port is flooded; 0 = any free port [SENTI_HEALTH_PORT] (none)
  --max-batch-size N     most texts per encoder call [SENTI_MAX_BATCH_SIZE] (32)
  --max-wait-ms N        longest wait to fill a batch [SENTI_MAX_WAIT_MS] (5)
  --max-queue N          most texts waiting; more get 503 [SENTI_MAX_QUEUE] (4096)
  --max-queue-ms N       longest expected wait for the encoder; longer gets 503 at once [SENTI_MAX_QUEUE_MS] (5000)
  --drain-delay-ms N     on SIGTERM, /readyz says 503 this long before the listener closes (Ctrl-C: none) [SENTI_DRAIN_DELAY_MS] (5000)
  --max-texts N          most texts per request [SENTI_MAX_TEXTS] (256)
  --max-chars N          most characters per text [SENTI_MAX_CHARS] (10000)
  --body-limit BYTES     largest request body [SENTI_BODY_LIMIT] (1048576)
  --headers-timeout-ms N longest wait for request headers [SENTI_HEADERS_TIMEOUT_MS] (10000)
  --request-timeout-ms N longest wait for a whole request [SENTI_REQUEST_TIMEOUT_MS] (30000)
  --keep-alive-timeout-ms N  idle keep-alive connections close after [SENTI_KEEP_ALIVE_TIMEOUT_MS] (72000)
  --max-connections N    most open connections [SENTI_MAX_CONNECTIONS] (1024)
  --max-header-bytes N   largest request head, 431 above [SENTI_MAX_HEADER_BYTES] (16384)
  --device auto|cpu|gpu  where the encoder runs [SENTI_DEVICE] (auto)
  --encoder DIR|ID       where the encoder lives now, if it moved since training [SENTI_ENCODER]
  --abstain-below P      abstain when the top probability is below P, unless a request says [SENTI_ABSTAIN_BELOW] (the model's, else never)
  --log-level LEVEL      ${LOG_LEVELS.join('|')} [SENTI_LOG_LEVEL] (info)
  --verbose              show stack traces of startup errors
  --help                 show this text`;

/** Parses command-line arguments and environment variables into a checked configuration. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options: Record<string, { type: 'string' | 'boolean' }> = {
      'model-dir': { type: 'string' }, host: { type: 'string' }, device: { type: 'string' }, encoder: { type: 'string' }, 'abstain-below': { type: 'string' },
      'log-level': { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean' },
    };
    for (const spec of Object.values(NUMBERS)) options[spec.flag] = { type: 'string' };
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError('SERVER_BAD_OPTION', `${(error as Error).message}; see --help`);
  }
  const text = (flag: string, envName: string): string | undefined => {
    const value = values[flag] ?? env[envName];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const number = (key: keyof typeof NUMBERS): number => {
    const spec: { flag: string; env: string; fallback: number; min: number; max?: number } = NUMBERS[key];
    const raw = text(spec.flag, spec.env);
    if (raw === undefined) return spec.fallback;
    const value = Number(raw);
    const max = spec.max ?? Number.MAX_SAFE_INTEGER;
    if (!/^\d+$/.test(raw.trim()) || value < spec.min || value > max) {
      const source = values[spec.flag] !== undefined ? `--${spec.flag}` : spec.env;
      const range = spec.max === undefined ? `an integer >= ${spec.min}` : `an integer from ${spec.min} to ${spec.max}`;
      throw new UsageError('SERVER_BAD_OPTION', `${source} must be ${range}, got "${raw}"`);
    }
    return value;
  };
  const help = values.help === true;
  const modelDir = text('model-dir', 'SENTI_MODEL_DIR');
  if (modelDir === undefined && !help) {
    throw new UsageError('SERVER_BAD_OPTION', 'missing --model-dir (or SENTI_MODEL_DIR): the directory of a saved senti model');
  }
  const logLevel = text('log-level', 'SENTI_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError('SERVER_BAD_OPTION', `--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const device = text('device', 'SENTI_DEVICE') ?? 'auto';
  if (!(DEVICES as readonly string[]).includes(device)) {
    throw new UsageError('SERVER_BAD_OPTION', `--device must be one of ${DEVICES.join(', ')}, got "${device}"`);
  }
  const abstainText = text('abstain-below', 'SENTI_ABSTAIN_BELOW');
  const abstainBelow = abstainText === undefined ? undefined : Number(abstainText);
  if (abstainBelow !== undefined && !(/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(abstainText!) && abstainBelow >= 0 && abstainBelow <= 1)) {
    const source = values['abstain-below'] !== undefined ? '--abstain-below' : 'SENTI_ABSTAIN_BELOW';
    throw new UsageError('SERVER_BAD_OPTION', `${source} must be a probability from 0 to 1, got "${abstainText}"`);
  }
  const headersTimeoutMs = number('headersTimeoutMs');
  const requestTimeoutMs = number('requestTimeoutMs');
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new UsageError('SERVER_BAD_OPTION', `--headers-timeout-ms (${headersTimeoutMs}) must not be longer than --request-timeout-ms (${requestTimeoutMs})`);
  }
  return {
    modelDir: modelDir === undefined ? '' : resolve(cwd, modelDir),
    port: number('port'),
    healthPort: optionalPort(number('healthPort')),
    host: text('host', 'HOST') ?? '127.0.0.1',
    maxBatchSize: number('maxBatchSize'),
    maxWaitMs: number('maxWaitMs'),
    maxQueuedTexts: number('maxQueuedTexts'),
    maxQueueMs: number('maxQueueMs'),
    drainDelayMs: number('drainDelayMs'),
    maxTexts: number('maxTexts'),
    maxChars: number('maxChars'),
    bodyLimit: number('bodyLimit'),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: number('keepAliveTimeoutMs'),
    maxConnections: number('maxConnections'),
    maxHeaderBytes: number('maxHeaderBytes'),
    device: device as ServerConfig['device'],
    encoder: text('encoder', 'SENTI_ENCODER'),
    abstainBelow,
    logLevel,
    verbose: values.verbose === true,
    help,
  };
}

/** The health port, or undefined when none was asked for (its default is -1, which no flag can give). */
function optionalPort(value: number): number | undefined {
  return value < 0 ? undefined : value;
}

/** The connection-level limits of a configuration, for `createServer({ http })`. */
export function httpLimitsOf(config: ServerConfig): HttpLimits {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections, maxHeaderBytes } = config;
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections, maxHeaderBytes };
}
