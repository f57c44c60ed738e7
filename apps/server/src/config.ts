import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@senti/errors';
import type { HttpLimits } from './http-limits.js';
import { SERVER_OPTION_KEYS, serverOptionSpec, type ServerConfig, type ServerOptionKey } from './server-options.js';

export { USAGE, type ServerConfig } from './server-options.js';

/** Parses command-line arguments and environment variables into a checked configuration, option by option from the table. */
export function parseConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): ServerConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      SERVER_OPTION_KEYS.map((key) => {
        const spec = serverOptionSpec(key);
        return [spec.flag, { type: spec.kind === 'switch' ? ('boolean' as const) : ('string' as const) }];
      }),
    );
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError('SERVER_BAD_OPTION', `${(error as Error).message}; see --help`);
  }
  const help = values.help === true;
  const config = Object.fromEntries(
    SERVER_OPTION_KEYS.map((key) => [key, readOption(key, values, env, help)]),
  ) as ServerConfig;
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new UsageError(
      'SERVER_BAD_OPTION',
      `--headers-timeout-ms (${config.headersTimeoutMs}) must not be longer than --request-timeout-ms (${config.requestTimeoutMs})`,
    );
  }
  return { ...config, modelDir: config.modelDir === undefined ? '' : resolve(cwd, config.modelDir) };
}

/** One option's value: the flag, else the variable (blank counts as unset), else the default; checked against the table. */
function readOption(
  key: ServerOptionKey,
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
  help: boolean,
): unknown {
  const spec = serverOptionSpec(key);
  const flag = values[spec.flag];
  if (spec.kind === 'switch') return flag === true;
  const given = flag ?? (spec.env === undefined ? undefined : env[spec.env]);
  const raw = typeof given === 'string' && given !== '' ? given : undefined;
  if (raw === undefined) {
    if (spec.required && !help)
      throw new UsageError('SERVER_BAD_OPTION', `missing --${spec.flag} (or ${spec.env}): the ${spec.help}`);
    return spec.default;
  }
  const source = flag !== undefined ? `--${spec.flag}` : spec.env!;
  if (spec.kind === 'integer') {
    const value = Number(raw);
    const max = spec.max ?? Number.MAX_SAFE_INTEGER;
    if (!/^\d+$/.test(raw.trim()) || value < spec.min! || value > max) {
      const range = spec.max === undefined ? `an integer >= ${spec.min}` : `an integer from ${spec.min} to ${spec.max}`;
      throw new UsageError('SERVER_BAD_OPTION', `${source} must be ${range}, got "${raw}"`);
    }
    return value;
  }
  if (spec.kind === 'probability') {
    const value = Number(raw);
    if (!(/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(raw) && value >= 0 && value <= 1)) {
      throw new UsageError('SERVER_BAD_OPTION', `${source} must be a probability from 0 to 1, got "${raw}"`);
    }
    return value;
  }
  if (spec.kind === 'choice' && !spec.choices!.includes(raw)) {
    throw new UsageError(
      'SERVER_BAD_OPTION',
      `--${spec.flag} must be one of ${spec.choices!.join(', ')}, got "${raw}"`,
    );
  }
  return raw;
}

/** The connection-level limits of a configuration, for `createServer({ http })`. */
export function httpLimitsOf(config: ServerConfig): HttpLimits {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections, maxHeaderBytes } = config;
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections, maxHeaderBytes };
}
