// The senti benchmark tool: `pnpm --filter @senti/bench start -- <subcommand> [options]`; `--help` after a
// subcommand prints its options. Subcommands are registered in commands.ts.
import { COMMANDS } from './commands.js';

const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
const name = args.shift();

function overview(): string {
  const width = Object.keys(COMMANDS).reduce((most, key) => Math.max(most, key.length), 0);
  const lines = Object.entries(COMMANDS).map(([key, entry]) => `  ${key.padEnd(width)}  ${entry.summary}`);
  return `usage: pnpm --filter @senti/bench start -- <subcommand> [options]   (<subcommand> --help for its options)\n\nsubcommands:\n${lines.join('\n')}\n`;
}

if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(overview());
  process.exit(name === undefined ? 2 : 0);
}
const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
if (entry === undefined) {
  process.stderr.write(`unknown subcommand "${name}"\n\n${overview()}`);
  process.exit(2);
}
const { command } = await entry.load();
await command.run(args);
