// Help texts say what the commands take (issue #28 item 24).
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS, SETTINGS, settingHelp, type SettingSpec } from '@senti/train/settings';
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

  it('train --help lists every setting of the table: its flag, its help line and its default', async () => {
    const help = await runInProcess(['train', '--help']);
    expect(help.code).toBe(0);
    const flat = help.stdout.replace(/\s+/g, ' ');
    for (const key of SETTING_KEYS) {
      const spec: SettingSpec = SETTINGS[key];
      const line = settingHelp(key);
      expect(flat, key).toContain(
        spec.flag === undefined
          ? `${key} ${line}`
          : `--${spec.flag}${spec.placeholder === undefined ? '' : ` ${spec.placeholder}`} ${line}`,
      );
      // A switch's default is its flag's absence (--no-cache: the cache is on); every other default is written out.
      if (spec.default !== undefined && spec.kind !== 'switch')
        expect(line, key).toContain(`(default: ${String(spec.default)}`);
    }
  });

  it('commands share one declaration of a flag: the same help line unless the command says otherwise', async () => {
    const flat = async (name: string) => (await runInProcess([name, '--help'])).stdout.replace(/\s+/g, ' ');
    const [evaluate, predict, inspect] = [await flat('evaluate'), await flat('predict'), await flat('inspect')];
    for (const help of [evaluate, predict, inspect])
      expect(help).toContain(`--encoding <name> ${settingHelp('encoding')}`);
    for (const help of [evaluate, predict]) expect(help).toContain(`--device <auto|cpu|gpu> ${settingHelp('device')}`);
    expect(inspect).toContain(`--offline ${settingHelp('offline')}`);
  });
});
