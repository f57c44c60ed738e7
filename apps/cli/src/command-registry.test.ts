import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliContext } from './cli-context.js';
import { COMMANDS, requestedCommand } from './command-registry.js';
import { runInProcess } from './testing/run-in-process.js';

describe('command registry (lazy subcommands)', () => {
  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))(
    '%s: the help line and summary match the command itself',
    async (_name, entry) => {
      const command = (await entry.load())(
        new CliContext({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }),
      );
      expect(command.name()).toBe(entry.name);
      expect(command.description()).toBe(entry.summary);
      expect(new Help().subcommandTerm(command)).toBe(entry.term);
    },
  );

  it.each([
    [['train', '--data', 'x.csv'], 'train'],
    [['--verbose', 'predict', 'a text'], 'predict'],
    [['help', 'export'], 'export'],
    [['--help'], undefined],
    [[], undefined],
    [['trian'], undefined],
  ] as const)('%j runs %s', (args, name) => {
    expect(requestedCommand(args)?.name).toBe(name);
  });

  it('senti --help lists every command with its summary', async () => {
    const run = await runInProcess(['--help']);
    expect(run.code).toBe(0);
    for (const entry of COMMANDS)
      expect(run.stdout.replace(/\s+/g, ' ')).toContain(
        `${entry.term} ${entry.summary.split(' ').slice(0, 3).join(' ')}`,
      );
  });
});
