// The known-truth check of `senti audit` (issue #21): a two-class cue-word set with a known share of labels flipped.
//   tsx scripts/label-audit-check.ts make OUT.csv [rows=1000] [flip=0.05] [seed=31]   -> OUT.csv + OUT.csv.flipped.json
//   tsx scripts/label-audit-check.ts score OUT.csv LABEL-ISSUES.csv                   -> precision and recall of the flagged rows
//   tsx scripts/label-audit-check.ts seeds [rows=1000] [flip=0.05] [seeds=31,1,2]      -> auditLabels per seed (the CLI's settings
//     above: tiny BERT, mean pooling, fp32, lr 3e-3, 10 epochs, 5 folds), and the rule before #28 on the same probabilities
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTable } from '@senti/data';
import { TINY_BERT } from '@senti/fixtures';
import { auditLabels } from '../src/trust/audit-labels.js';
import { flippedCueWordRows } from '../src/testing/trust-data.js';

const [mode, file, second, third, fourth] = process.argv.slice(2);
if (mode === 'make' && file !== undefined) {
  const { rows, flipped } = flippedCueWordRows(Number(second ?? 1000), Number(third ?? 0.05), Number(fourth ?? 31));
  writeFileSync(
    file,
    `sentence,label,id\n${rows.map((row, index) => `${row.text},${row.label},r${index + 1}`).join('\n')}\n`,
  );
  writeFileSync(
    `${file}.flipped.json`,
    `${JSON.stringify([...flipped].map((index) => index + 1).sort((a, b) => a - b))}\n`,
  );
  console.log(
    `wrote ${rows.length} rows to ${file}, ${flipped.size} labels flipped (1-based rows in ${file}.flipped.json)`,
  );
} else if (mode === 'score' && file !== undefined && second !== undefined) {
  const flipped = new Set(JSON.parse(readFileSync(`${file}.flipped.json`, 'utf8')) as number[]);
  // A header-only file (nothing flagged) is not a data table to readTable.
  const text = readFileSync(second, 'utf8');
  const table = text.trim().includes('\n')
    ? await readTable(second)
    : { columns: text.trim().split(','), rows: [] as string[][] };
  const rowColumn = table.columns.indexOf('row');
  const flagged = table.rows.map((row) => Number(row[rowColumn]));
  const found = flagged.filter((row) => flipped.has(row)).length;
  const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(3));
  console.log(
    `flagged ${flagged.length}, of them flipped ${found}; flips ${flipped.size}: precision ${ratio(found, flagged.length)}, recall ${ratio(found, flipped.size)}`,
  );
} else if (mode === 'seeds') {
  for (const seed of (third ?? '31,1,2').split(',').map(Number)) {
    const { rows, flipped } = flippedCueWordRows(Number(file ?? 1000), Number(second ?? 0.05), seed);
    const audit = await auditLabels({
      data: rows,
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      dtype: 'fp32',
      pooling: 'mean',
      learningRate: 3e-3,
      epochs: 10,
      folds: 5,
      cacheDir: join(tmpdir(), 'senti-label-audit-check'),
    });
    const found = audit.issues.filter((issue) => flipped.has(issue.row - 1)).length;
    // The rule before #28: flag a row labelled i when p_i < t_i and some class j != i has p_j >= t_j.
    const k = audit.labelNames.length;
    const labels = rows.map((row) => audit.labelNames.indexOf(row.label));
    const p = (row: number, column: number) => audit.probabilities[row * k + column]!;
    const t = audit.labelNames.map((name) => audit.thresholds[name]!);
    const old = labels.flatMap((given, row) =>
      p(row, given) < t[given]! && t.some((threshold, j) => j !== given && p(row, j) >= threshold) ? [row] : [],
    );
    const oldFound = old.filter((row) => flipped.has(row)).length;
    const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(3));
    console.log(
      `seed ${seed}: out-of-fold accuracy ${audit.outOfFoldAccuracy.toFixed(4)}, estimated noise ${(audit.estimatedNoiseRate * 100).toFixed(1)}%, flagged ${audit.issues.length}, flips ${flipped.size}, found ${found}: precision ${ratio(found, audit.issues.length)}, recall ${ratio(found, flipped.size)}; old rule: flagged ${old.length}, found ${oldFound}, precision ${ratio(oldFound, old.length)}, recall ${ratio(oldFound, flipped.size)}`,
    );
  }
} else {
  console.error(
    'usage: label-audit-check.ts make OUT.csv [rows] [flip] [seed] | score OUT.csv LABEL-ISSUES.csv | seeds [rows] [flip] [seeds]',
  );
  process.exit(2);
}
