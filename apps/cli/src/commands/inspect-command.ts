import type { Command } from 'commander';
import { inspectData, isOffline, TOKEN_LENGTH_CHUNK, type InspectEvent } from '@senti/train';
import { SETTINGS } from '@senti/train/settings';
import type { ConsoleOutput, Progress } from '../output/console-output.js';
import { readingNote } from '../output/reading-note.js';
import type { CliContext } from '../cli-context.js';
import { textTable } from '../output/text-table.js';
import { addOptions } from '../options/command-options.js';
import { conflictWarning, printLengthSummary } from '../output/print-summaries.js';
import { newCommand } from './new-command.js';

interface InspectFlags {
  data: string;
  model?: string;
  textColumn?: string;
  encoding?: string;
  delimiter?: string;
  labelColumn?: string;
  coverage?: number;
  offline?: boolean;
  json?: boolean;
}

/** `senti inspect`: label distribution, token lengths and a suggested padding length, before training. */
export function inspectCommand(context: CliContext): Command {
  const command = newCommand(
    'inspect',
    'Show label distribution, token-length percentiles and histogram, and a suggested --max-length.',
    context,
  );
  return addOptions(
    command,
    ['data', 'model', 'textColumn', 'encoding', 'delimiter', 'labelColumn', 'coverage', 'offline'],
    {
      required: ['data'],
      help: {
        model: `tokenizer: hub id or local directory (default: ${SETTINGS.model.default})`,
        coverage: `share of texts the suggested length must fit (default: ${SETTINGS.coverage.default})`,
      },
    },
  ).action(async (flags: InspectFlags) => {
    const output = context.console(flags.json);
    const inspection = await inspectData({
      data: flags.data,
      ...(flags.model ? { model: flags.model } : {}),
      ...(flags.textColumn ? { textColumn: flags.textColumn } : {}),
      ...(flags.encoding ? { encoding: flags.encoding } : {}),
      ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
      ...(flags.labelColumn ? { labelColumn: flags.labelColumn } : {}),
      ...(flags.coverage !== undefined ? { coverage: flags.coverage } : {}),
      offline: isOffline(flags.offline),
      onEvent: inspectRenderer(output),
    });
    const { counts, rows: total, cleaning: s, labelNames, lengths: choice } = inspection;
    output.section(
      `Data: ${flags.data}: ${s.rowsRead} rows read, ${s.rowsKept} kept (dropped ${s.emptyTextDropped} empty text, ${s.missingLabelDropped} missing label, ${s.duplicatesDropped} duplicates)`,
    );
    if (s.conflictingDuplicates > 0) output.line(`  ${conflictWarning(s.conflictingDuplicates)}`);
    output.section(
      'Labels',
      textTable(
        ['label', 'count', 'share'],
        labelNames.map((name, index) => [
          name,
          counts[index] ?? 0,
          `${(((counts[index] ?? 0) / total) * 100).toFixed(1)}%`,
        ]),
      ),
    );
    printLengthSummary(
      output,
      choice,
      inspection.lengthsOf === 'train' ? 'the training split (as train makes it)' : 'the texts',
    );
    output.line(`  suggested: --max-length ${choice.maxLength}`);
    context.result = {
      data: flags.data,
      rows: total,
      labels: Object.fromEntries(labelNames.map((name, index) => [name, counts[index] ?? 0])),
      cleaning: s,
      tokenLengths: choice.statistics,
      suggestedMaxLength: choice.maxLength,
      coverage: choice.coverage,
    };
  });
}

/** Progress of a big inspection: a "Reading" line for a large file, then a bar over the token-length measurement. */
function inspectRenderer(output: ConsoleOutput): (event: InspectEvent) => void {
  let measuring: Progress | undefined;
  return (event) => {
    if (event.type === 'reading') {
      const note = readingNote(event.source);
      if (note) output.line(note);
    } else if (event.type === 'read') {
      if (event.rows > TOKEN_LENGTH_CHUNK) output.line(`  ${event.rows} rows read in ${event.seconds.toFixed(1)} s`);
    } else if (event.total > TOKEN_LENGTH_CHUNK) {
      measuring ??= output.progress('Token lengths', event.total, 'texts');
      if (event.done < event.total) measuring.update(event.done);
      else measuring.finish();
    }
  };
}
