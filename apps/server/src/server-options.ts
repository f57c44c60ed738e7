import { PREDICTOR_DEFAULTS } from '@senti/model/serving';

/** What kind of value a server option takes (decides its type, how it is read and checked). */
type ServerOptionKind =
  | 'integer' // digits only, within min..max
  | 'probability' // a number from 0 to 1
  | 'choice'
  | 'text'
  | 'switch'; // a flag without a value (no variable)

/** One option of `senti-server`: its flag, variable, default, allowed values and help, declared once. */
interface ServerOptionSpec {
  kind: ServerOptionKind;
  /** The flag, without dashes. */
  flag: string;
  /** The environment variable read when the flag is not given. */
  env?: string;
  /** The default (absent: unset, or `false` for a switch). */
  default?: unknown;
  /** Must be given (through the flag or the variable), except with --help. */
  required?: true;
  /** What the default is, in words, where there is no fixed value (e.g. the model's own threshold). */
  defaultText?: string;
  /** Smallest and largest allowed value of an integer. */
  min?: number;
  max?: number;
  /** The allowed words of a `choice` (the placeholder in help lists them). */
  choices?: readonly string[];
  /** Placeholder of the value in help, e.g. `N`. */
  placeholder?: string;
  /** One line of help. */
  help: string;
}

/** pino's levels, for --log-level. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every option of `senti-server`, in the order `--help` lists them: {@link ServerConfig} is inferred from it (each
 * entry's doc comment is its field's), and the flags, the environment variables, their checks, the defaults of
 * `createServer` and the `--help` text all come from it. A new option is one entry here.
 */
export const SERVER_OPTIONS = {
  /** Directory of the saved model (senti.json + head.bin), resolved against the working directory. */
  modelDir: {
    kind: 'text',
    flag: 'model-dir',
    env: 'SENTI_MODEL_DIR',
    required: true,
    placeholder: 'DIR',
    help: 'directory of a saved senti model',
  },
  /** TCP port; 0 picks a free one. */
  port: {
    kind: 'integer',
    flag: 'port',
    env: 'PORT',
    default: 8080,
    min: 0,
    max: 65535,
    placeholder: 'N',
    help: 'TCP port, 0 = any free port',
  },
  /** Interface to listen on. */
  host: {
    kind: 'text',
    flag: 'host',
    env: 'HOST',
    default: '127.0.0.1',
    placeholder: 'HOST',
    help: 'interface to listen on',
  },
  /**
   * Port that also serves /healthz and /readyz, from a thread of its own (answered however busy the main port is);
   * 0 picks a free one. Unset: none.
   */
  healthPort: {
    kind: 'integer',
    flag: 'health-port',
    env: 'SENTI_HEALTH_PORT',
    defaultText: 'none',
    min: 0,
    max: 65535,
    placeholder: 'N',
    help: 'also answer /healthz and /readyz on this port, from their own thread (answered while the main port is flooded); 0 = any free port',
  },
  /** Most texts in one encoder call. */
  maxBatchSize: {
    kind: 'integer',
    flag: 'max-batch-size',
    env: 'SENTI_MAX_BATCH_SIZE',
    default: PREDICTOR_DEFAULTS.maxBatchSize,
    min: 1,
    placeholder: 'N',
    help: 'most texts per encoder call',
  },
  /** Longest wait for more texts before a partial batch runs, ms. */
  maxWaitMs: {
    kind: 'integer',
    flag: 'max-wait-ms',
    env: 'SENTI_MAX_WAIT_MS',
    default: PREDICTOR_DEFAULTS.maxWaitMs,
    min: 0,
    placeholder: 'N',
    help: 'longest wait to fill a batch',
  },
  /** Most texts waiting for the encoder; more get 503 + Retry-After. */
  maxQueuedTexts: {
    kind: 'integer',
    flag: 'max-queue',
    env: 'SENTI_MAX_QUEUE',
    default: PREDICTOR_DEFAULTS.maxQueuedTexts,
    min: 1,
    placeholder: 'N',
    help: 'most texts waiting; more get 503',
  },
  /** Longest expected wait for the encoder, ms; longer gets 503 + Retry-After at once. */
  maxQueueMs: {
    kind: 'integer',
    flag: 'max-queue-ms',
    env: 'SENTI_MAX_QUEUE_MS',
    default: 5000,
    min: 1,
    placeholder: 'N',
    help: 'longest expected wait for the encoder; longer gets 503 at once',
  },
  /**
   * On SIGTERM, how long /readyz answers 503 while requests are still served, before the listener closes: a load
   * balancer sees the instance leave instead of refused connections. Ctrl-C (SIGINT) skips it.
   */
  drainDelayMs: {
    kind: 'integer',
    flag: 'drain-delay-ms',
    env: 'SENTI_DRAIN_DELAY_MS',
    default: 5000,
    min: 0,
    placeholder: 'N',
    help: 'on SIGTERM, /readyz says 503 this long before the listener closes (Ctrl-C: none)',
  },
  /** Most texts in one request. */
  maxTexts: {
    kind: 'integer',
    flag: 'max-texts',
    env: 'SENTI_MAX_TEXTS',
    default: 256,
    min: 1,
    placeholder: 'N',
    help: 'most texts per request',
  },
  /** Most characters in one text. */
  maxChars: {
    kind: 'integer',
    flag: 'max-chars',
    env: 'SENTI_MAX_CHARS',
    default: 10_000,
    min: 1,
    placeholder: 'N',
    help: 'most characters per text',
  },
  /** Largest request body in bytes (1 MiB by default). */
  bodyLimit: {
    kind: 'integer',
    flag: 'body-limit',
    env: 'SENTI_BODY_LIMIT',
    default: 1_048_576,
    min: 1,
    placeholder: 'BYTES',
    help: 'largest request body',
  },
  /** Longest time to receive request headers, ms (slowloris guard). */
  headersTimeoutMs: {
    kind: 'integer',
    flag: 'headers-timeout-ms',
    env: 'SENTI_HEADERS_TIMEOUT_MS',
    default: 10_000,
    min: 1,
    placeholder: 'N',
    help: 'longest wait for request headers',
  },
  /** Longest time to receive a whole request, ms. */
  requestTimeoutMs: {
    kind: 'integer',
    flag: 'request-timeout-ms',
    env: 'SENTI_REQUEST_TIMEOUT_MS',
    default: 30_000,
    min: 1,
    placeholder: 'N',
    help: 'longest wait for a whole request',
  },
  /**
   * Idle keep-alive connections close after this, ms. The default is fastify's: longer than the usual load-balancer
   * idle timeout (60 s), so the balancer, not the server, closes idle connections.
   */
  keepAliveTimeoutMs: {
    kind: 'integer',
    flag: 'keep-alive-timeout-ms',
    env: 'SENTI_KEEP_ALIVE_TIMEOUT_MS',
    default: 72_000,
    min: 1,
    placeholder: 'N',
    help: 'idle keep-alive connections close after',
  },
  /** Most open connections. */
  maxConnections: {
    kind: 'integer',
    flag: 'max-connections',
    env: 'SENTI_MAX_CONNECTIONS',
    default: 1024,
    min: 1,
    placeholder: 'N',
    help: 'most open connections',
  },
  /** Largest request head in bytes (431 above). */
  maxHeaderBytes: {
    kind: 'integer',
    flag: 'max-header-bytes',
    env: 'SENTI_MAX_HEADER_BYTES',
    default: 16_384,
    min: 1024,
    placeholder: 'N',
    help: 'largest request head, 431 above',
  },
  /** Where the encoder runs. */
  device: {
    kind: 'choice',
    flag: 'device',
    env: 'SENTI_DEVICE',
    default: 'auto',
    choices: ['auto', 'cpu', 'gpu'],
    help: 'where the encoder runs',
  },
  /** Where the encoder lives now, when it moved since training (directory or Hub id). */
  encoder: {
    kind: 'text',
    flag: 'encoder',
    env: 'SENTI_ENCODER',
    placeholder: 'DIR|ID',
    help: 'where the encoder lives now, if it moved since training',
  },
  /** Default abstention threshold (a request's abstainBelow overrides it); unset: the model's, else none. */
  abstainBelow: {
    kind: 'probability',
    flag: 'abstain-below',
    env: 'SENTI_ABSTAIN_BELOW',
    defaultText: "the model's, else never",
    placeholder: 'P',
    help: 'abstain when the top probability is below P, unless a request says',
  },
  /** pino log level. */
  logLevel: {
    kind: 'choice',
    flag: 'log-level',
    env: 'SENTI_LOG_LEVEL',
    default: 'info',
    choices: LOG_LEVELS,
    placeholder: 'LEVEL',
    help: LOG_LEVELS.join('|'),
  },
  /** Print stacks of startup errors. */
  verbose: { kind: 'switch', flag: 'verbose', help: 'show stack traces of startup errors' },
  /** Print usage and exit. */
  help: { kind: 'switch', flag: 'help', help: 'show this text' },
} as const satisfies Record<string, ServerOptionSpec>;

type ServerOptionTable = typeof SERVER_OPTIONS;

/** The name of a server option (a {@link ServerConfig} field). */
export type ServerOptionKey = keyof ServerOptionTable;

/** The value type of an option, from its kind; options with neither a default nor `required` may be undefined. */
type OptionValue<S> =
  | (S extends { kind: 'choice'; choices: readonly (infer C)[] }
      ? C
      : S extends { kind: 'integer' | 'probability' }
        ? number
        : S extends { kind: 'switch' }
          ? boolean
          : string)
  | (S extends { default: unknown } | { required: true } | { kind: 'switch' } ? never : undefined);

/** Everything `senti-server` can be configured with (flags override environment variables), inferred from {@link SERVER_OPTIONS}. */
export type ServerConfig = { -readonly [K in keyof ServerOptionTable]: OptionValue<ServerOptionTable[K]> };

/** Every option name, in table order. */
export const SERVER_OPTION_KEYS = Object.keys(SERVER_OPTIONS) as ServerOptionKey[];

/** The options that have a default, with it: the defaults of `createServer` as of `senti-server`. */
export const SERVER_DEFAULTS = Object.freeze(
  Object.fromEntries(
    SERVER_OPTION_KEYS.flatMap((key) => {
      const spec: ServerOptionSpec = SERVER_OPTIONS[key];
      return spec.default === undefined ? [] : [[key, spec.default]];
    }),
  ),
) as {
  readonly [K in ServerOptionKey as ServerOptionTable[K] extends { default: unknown } ? K : never]: Extract<
    ServerOptionTable[K],
    { default: unknown }
  >['default'];
};

/** The table entry of `key`, widened for reading. */
export function serverOptionSpec(key: ServerOptionKey): ServerOptionSpec {
  return SERVER_OPTIONS[key];
}

/** One line of `--help`: flag and placeholder, help, [variable], (default). */
function usageLine(key: ServerOptionKey): string {
  const spec = serverOptionSpec(key);
  const placeholder = spec.placeholder ?? spec.choices?.join('|');
  const head = `--${spec.flag}${placeholder === undefined ? '' : ` ${placeholder}`}`;
  const fallback = spec.required ? 'required' : spec.default !== undefined ? String(spec.default) : spec.defaultText;
  return `  ${head.padEnd(22)}${head.length > 22 ? '  ' : ' '}${spec.help}${spec.env === undefined ? '' : ` [${spec.env}]`}${fallback === undefined ? '' : ` (${fallback})`}`;
}

/** The text `--help` prints. */
export const USAGE = `Usage: senti-server --model-dir DIR [options]

Options (environment variable in brackets):
${SERVER_OPTION_KEYS.map(usageLine).join('\n')}`;
