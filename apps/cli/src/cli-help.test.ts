// Help texts say what the commands take (issue #28 item 24).
import { describe, expect, it } from 'vitest';
import { runInProcess } from './testing/run-in-process.js';

describe('help', () => {
  it('audit --help offers no --resume and prints the folds default once', async () => {
    const help = await runInProcess(['audit', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).not.toMatch(/--resume/);
    expect(help.stdout.match(/\(default: 5\)/g)).toHaveLength(1);
  });

  it('the top-level help lists exit 130 for an interrupted command', async () => {
    const help = await runInProcess(['--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/130 interrupted \(Ctrl-C, SIGTERM or SIGHUP\)/);
  });
});
