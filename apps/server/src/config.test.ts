import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpLimitsOf, parseConfig, USAGE } from './config.js';
import { SERVER_DEFAULTS, SERVER_OPTION_KEYS, SERVER_OPTIONS } from './server-options.js';

describe('parseConfig', () => {
  it('uses defaults and resolves the model dir against cwd', () => {
    const config = parseConfig(['--model-dir', 'runs/a'], {}, '/home/me');
    expect(config).toMatchObject({
      modelDir: '/home/me/runs/a',
      port: 8080,
      host: '127.0.0.1',
      maxBatchSize: 32,
      maxWaitMs: 5,
      maxTexts: 256,
      maxChars: 10_000,
      bodyLimit: 1_048_576,
      device: 'auto',
      logLevel: 'info',
      verbose: false,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      maxConnections: 1024,
      maxHeaderBytes: 16_384,
    });
  });

  it('reads environment variables, and flags override them', () => {
    const env = { SENTI_MODEL_DIR: '/m', PORT: '9000', HOST: '0.0.0.0', SENTI_MAX_TEXTS: '10', SENTI_MAX_WAIT_MS: '0' };
    expect(parseConfig([], env)).toMatchObject({
      modelDir: '/m',
      port: 9000,
      host: '0.0.0.0',
      maxTexts: 10,
      maxWaitMs: 0,
    });
    expect(parseConfig(['--port', '0', '--max-texts', '3'], env)).toMatchObject({ port: 0, maxTexts: 3 });
    expect(parseConfig([], env).healthPort).toBeUndefined();
    expect(parseConfig(['--health-port', '9001'], env).healthPort).toBe(9001);
    expect(parseConfig([], { ...env, SENTI_HEALTH_PORT: '0' }).healthPort).toBe(0);
  });

  it('rejects bad values with one line naming the flag or variable', () => {
    expect(() => parseConfig(['--model-dir', 'm', '--port', 'abc'])).toThrow(
      '--port must be an integer from 0 to 65535, got "abc"',
    );
    expect(() => parseConfig(['--model-dir', 'm'], { PORT: '70000' })).toThrow(
      'PORT must be an integer from 0 to 65535, got "70000"',
    );
    expect(() => parseConfig(['--model-dir', 'm', '--max-batch-size', '0'])).toThrow(
      '--max-batch-size must be an integer >= 1',
    );
    expect(() => parseConfig(['--model-dir', 'm', '--device', 'tpu'])).toThrow(
      '--device must be one of auto, cpu, gpu',
    );
    expect(() => parseConfig(['--model-dir', 'm', '--bogus'])).toThrow(/bogus/);
    expect(() => parseConfig(['--model-dir', 'm', '--health-port', '70000'])).toThrow(
      '--health-port must be an integer from 0 to 65535, got "70000"',
    );
    expect(() => parseConfig([], {})).toThrow('missing --model-dir');
  });

  it('reads the connection limits from flags and environment, and checks them', () => {
    const env = { SENTI_MAX_CONNECTIONS: '50', SENTI_HEADERS_TIMEOUT_MS: '2000' };
    const config = parseConfig(
      [
        '--model-dir',
        'm',
        '--request-timeout-ms',
        '4000',
        '--keep-alive-timeout-ms',
        '100',
        '--max-header-bytes',
        '8192',
      ],
      env,
    );
    expect(httpLimitsOf(config)).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 100,
      maxConnections: 50,
      maxHeaderBytes: 8192,
    });
    expect(() =>
      parseConfig(['--model-dir', 'm', '--headers-timeout-ms', '5000', '--request-timeout-ms', '1000']),
    ).toThrow('--headers-timeout-ms (5000) must not be longer than --request-timeout-ms (1000)');
    expect(() => parseConfig(['--model-dir', 'm', '--max-connections', '0'])).toThrow(
      '--max-connections must be an integer >= 1, got "0"',
    );
    expect(() => parseConfig(['--model-dir', 'm'], { SENTI_MAX_HEADER_BYTES: '10' })).toThrow(
      'SENTI_MAX_HEADER_BYTES must be an integer >= 1024, got "10"',
    );
  });

  it('reads the default abstention threshold from --abstain-below or SENTI_ABSTAIN_BELOW, checked as a probability', () => {
    expect(parseConfig(['--model-dir', 'm']).abstainBelow).toBeUndefined();
    expect(parseConfig(['--model-dir', 'm', '--abstain-below', '0.8']).abstainBelow).toBe(0.8);
    expect(parseConfig(['--model-dir', 'm'], { SENTI_ABSTAIN_BELOW: '.75' }).abstainBelow).toBe(0.75);
    expect(() => parseConfig(['--model-dir', 'm', '--abstain-below', '1.2'])).toThrow(
      '--abstain-below must be a probability from 0 to 1, got "1.2"',
    );
    expect(() => parseConfig(['--model-dir', 'm'], { SENTI_ABSTAIN_BELOW: 'high' })).toThrow(
      'SENTI_ABSTAIN_BELOW must be a probability from 0 to 1, got "high"',
    );
  });

  it('allows --help without a model dir', () => {
    expect(parseConfig(['--help'], {}).help).toBe(true);
  });

  it('--help lists every option of the table once: flag, variable and default', () => {
    for (const key of SERVER_OPTION_KEYS) {
      const spec: { flag: string; env?: string; default?: unknown } = SERVER_OPTIONS[key];
      const lines = USAGE.split('\n').filter((line) => line.startsWith(`  --${spec.flag} `));
      expect(lines, key).toHaveLength(1);
      if (spec.env !== undefined) expect(lines[0], key).toContain(`[${spec.env}]`);
      if (spec.default !== undefined) expect(lines[0], key).toMatch(new RegExp(`\\(${String(spec.default)}\\)$`));
    }
    expect(USAGE.split('\n').filter((line) => line.startsWith('  --'))).toHaveLength(SERVER_OPTION_KEYS.length);
  });

  it('reads every variable of the table, and takes every default from it', () => {
    const config = parseConfig(['--model-dir', 'm'], {}) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(SERVER_DEFAULTS)) expect(config[key], key).toBe(value);
    for (const key of SERVER_OPTION_KEYS) {
      const spec: { kind: string; env?: string; default?: unknown; choices?: readonly string[] } = SERVER_OPTIONS[key];
      if (spec.env === undefined) continue;
      const text =
        spec.kind === 'integer'
          ? String(Number(spec.default ?? 0) + 1)
          : spec.kind === 'probability'
            ? '0.5'
            : (spec.choices?.at(-1) ?? 'given');
      const read = parseConfig(
        key === 'modelDir' ? [] : ['--model-dir', 'm'],
        { [spec.env]: text },
        '/',
      ) as unknown as Record<string, unknown>;
      expect(read[key], key).toEqual(
        key === 'modelDir' ? '/given' : spec.kind === 'integer' || spec.kind === 'probability' ? Number(text) : text,
      );
    }
  });

  it("the README's configuration table lists every option with the table's variable and default", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `--'));
    expect(rows).toHaveLength(SERVER_OPTION_KEYS.length);
    for (const key of SERVER_OPTION_KEYS) {
      const spec: { flag: string; env?: string; default?: unknown } = SERVER_OPTIONS[key];
      const row = rows.find(
        (line) => line.startsWith(`| \`--${spec.flag}\``) || line.startsWith(`| \`--${spec.flag} `),
      );
      expect(row, key).toBeDefined();
      const [, , env, fallback] = row!.split(/(?<!\\)\|/).map((cell) => cell.trim());
      expect(env, key).toBe(spec.env === undefined ? '' : `\`${spec.env}\``);
      if (spec.default !== undefined) expect(fallback, key).toBe(`\`${String(spec.default)}\``);
    }
  });
});
