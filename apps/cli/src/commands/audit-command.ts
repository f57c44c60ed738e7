import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { escapeControl, UsageError } from '@senti/errors';
import { auditLabels, isOffline, saveLabelAudit, LABEL_ISSUES_FILE, type LabelAudit } from '@senti/train';
import { type SettingKey } from '@senti/train/settings';
import type { CliContext } from '../cli-context.js';
import type { ConsoleOutput } from '../output/console-output.js';
import { fineTuneRenderer } from '../output/fine-tune-renderer.js';
import { createRunDirectory, timestampedRunName } from '../output/run-directory.js';
import { textTable } from '../output/text-table.js';
import { parseInteger } from '../options/parse-values.js';
import { addSettingOptions, assertNoSettingConflict, givenSettings } from '../options/setting-options.js';
import { newCommand } from './new-command.js';

/** The training settings an audit takes: the data, the encoder and the head (no split files, presets or encoder tuning). */
export const AUDIT_SETTING_KEYS: readonly SettingKey[] = [
  'data',
  'textColumn',
  'encoding',
  'delimiter',
  'labelColumn',
  'labelNames',
  'model',
  'maxLength',
  'coverage',
  'epochs',
  'batchSize',
  'learningRate',
  'weightDecay',
  'seed',
  'device',
  'dtype',
  'pooling',
  'patience',
  'offline',
  'cacheDir',
  'cache',
  'dropDuplicates',
];

interface AuditFlags {
  folds: number;
  out?: string;
  json?: boolean;
}

/** `senti audit`: likely label errors by confident learning on out-of-fold probabilities. */
export function auditCommand(context: CliContext): Command {
  const command = newCommand(
    'audit',
    'Find likely label errors: k-fold out-of-fold probabilities, confident learning, label-issues.csv.',
    context,
  );
  return addSettingOptions(command, AUDIT_SETTING_KEYS)
    .option(
      '--folds <k>',
      'stratified folds; each row is scored by the head that did not see it',
      parseInteger('--folds', 2),
      5,
    )
    .option('--out <dir>', 'where label-issues.csv goes (default: runs/audit-<timestamp>)')
    .action(async (flags: AuditFlags, command: Command) => {
      const output = context.console(flags.json);
      const given = givenSettings(command);
      assertNoSettingConflict(given);
      if (given.data === undefined)
        throw new UsageError('CLI_MISSING_OPTION', 'audit needs --data <file> (a CSV with a text and a label column)');
      if (given.offline === undefined && isOffline()) given.offline = true;
      const run = await createRunDirectory(flags.out ?? join('runs', `audit-${timestampedRunName()}`), {
        overwrite: true,
      });
      const render = fineTuneRenderer(output, { data: given.data });
      let audit: LabelAudit;
      try {
        audit = await auditLabels({
          ...given,
          data: given.data,
          folds: flags.folds,
          signal: context.cancelSignal(),
          onEvent: (event) => {
            if (event.type === 'audit-fold') output.line(`  fold ${event.fold}/${event.folds} trained and scored`);
            else if (
              event.type === 'data' ||
              event.type === 'max-length' ||
              event.type === 'compute' ||
              event.type === 'encode' ||
              event.type === 'encoded'
            )
              render(event);
          },
        });
      } catch (error) {
        await run.discard();
        throw error;
      }
      const file = await saveLabelAudit(audit, run.path).finally(() => run.release());
      printAudit(output, audit, file);
      context.result = {
        file,
        rows: audit.rows,
        folds: audit.folds,
        flagged: audit.issues.length,
        perClass: audit.perClass,
        thresholds: audit.thresholds,
        estimatedNoiseRate: audit.estimatedNoiseRate,
        estimatedIssues: audit.estimatedIssues,
        joint: audit.joint,
        outOfFoldAccuracy: audit.outOfFoldAccuracy,
        majorityClassAccuracy: audit.majorityClassAccuracy,
        warnings: audit.warnings,
        rule: RULE,
        issues: audit.issues.map((issue) => ({
          row: issue.row,
          text: issue.text,
          givenLabel: issue.givenLabel,
          suggestedLabel: issue.suggestedLabel,
          pGiven: issue.pGiven,
          pSuggested: issue.pSuggested,
          ...(issue.words ? { words: issue.words } : {}),
        })),
      };
    });
}

/** The flagging rule, in words (also in `--json`). */
const RULE =
  "confident learning as cleanlab's default (prune by noise rate): t_j = mean out-of-fold p_j over rows labelled j; a row labelled i counts as j in the confident joint when p_j >= t_j (of several, the most probable); the joint, calibrated to the label counts, estimates how many rows labelled i are truly j; that many rows labelled i with the largest p_j - p_i are flagged, unless i is their most probable label; suggest the most probable label; rank by p_suggested - p_given";

function printAudit(output: ConsoleOutput, audit: LabelAudit, file: string): void {
  const shown = relative(process.cwd(), file);
  output.section(
    `Label audit: ${audit.issues.length} of ${audit.rows} rows flagged as likely label errors (${audit.folds} folds, out-of-fold accuracy ${audit.outOfFoldAccuracy.toFixed(4)})`,
  );
  for (const warning of audit.warnings) output.line(`  warning: ${warning.message}`);
  output.line(
    `  estimated noise rate ${(audit.estimatedNoiseRate * 100).toFixed(1)}% (about ${audit.estimatedIssues} of ${audit.rows} labels wrong)`,
  );
  output.line(
    textTable(
      ['given label', 'rows', 'estimated wrong', 'flagged', 'threshold t'],
      audit.labelNames.map((name) => {
        const perClass = audit.perClass[name]!;
        return [
          name,
          String(perClass.rows),
          String(perClass.estimatedWrong),
          String(perClass.flagged),
          audit.thresholds[name]!.toFixed(4),
        ];
      }),
    ).replace(/^/gm, '  '),
  );
  output.line(`  rule: ${RULE}`);
  if (audit.issues.length > 0) {
    const shorten = (text: string) => (text.length > 48 ? `${text.slice(0, 47)}…` : text).replace(/\s+/g, ' ');
    output.section(
      `Top ${Math.min(10, audit.issues.length)} (all flagged rows in ${LABEL_ISSUES_FILE}, most likely first)`,
      textTable(
        ['row', 'text', 'given', 'suggested', 'p_given', 'p_suggested', 'words for suggested'],
        audit.issues.slice(0, 10).map((issue) => [
          String(issue.row),
          shorten(issue.text),
          issue.givenLabel,
          issue.suggestedLabel,
          issue.pGiven.toFixed(3),
          issue.pSuggested.toFixed(3),
          escapeControl(
            (issue.words ?? [])
              .slice(0, 3)
              .map((word) => `${word.word} +${word.score.toFixed(2)}`)
              .join(', '),
          ),
        ]),
      ).replace(/^/gm, '  '),
    );
  }
  output.line(`\nwrote ${shown.startsWith('..') || shown === '' ? file : shown}`);
}
