// The known-truth check of `senti audit` (issue #21): a two-class cue-word set with a known share of labels flipped.
//   tsx scripts/label-audit-check.ts make OUT.csv [rows=1000] [flip=0.05] [seed=31]   -> OUT.csv + OUT.csv.flipped.json
//   tsx scripts/label-audit-check.ts score OUT.csv LABEL-ISSUES.csv                   -> precision and recall of the flagged rows
import { readFileSync, writeFileSync } from 'node:fs';
import { readTable } from '@senti/data';
import { flippedCueWordRows } from '../src/trust/test-data.js';

const [mode, file, second, third, fourth] = process.argv.slice(2);
if (mode === 'make' && file !== undefined) {
  const { rows, flipped } = flippedCueWordRows(Number(second ?? 1000), Number(third ?? 0.05), Number(fourth ?? 31));
  writeFileSync(file, `sentence,label,id\n${rows.map((row, index) => `${row.text},${row.label},r${index + 1}`).join('\n')}\n`);
  writeFileSync(`${file}.flipped.json`, `${JSON.stringify([...flipped].map((index) => index + 1).sort((a, b) => a - b))}\n`);
  console.log(`wrote ${rows.length} rows to ${file}, ${flipped.size} labels flipped (1-based rows in ${file}.flipped.json)`);
} else if (mode === 'score' && file !== undefined && second !== undefined) {
  const flipped = new Set(JSON.parse(readFileSync(`${file}.flipped.json`, 'utf8')) as number[]);
  // A header-only file (nothing flagged) is not a data table to readTable.
  const text = readFileSync(second, 'utf8');
  const table = text.trim().includes('\n') ? await readTable(second) : { columns: text.trim().split(','), rows: [] as string[][] };
  const rowColumn = table.columns.indexOf('row');
  const flagged = table.rows.map((row) => Number(row[rowColumn]));
  const found = flagged.filter((row) => flipped.has(row)).length;
  const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(3));
  console.log(`flagged ${flagged.length}, of them flipped ${found}; flips ${flipped.size}: precision ${ratio(found, flagged.length)}, recall ${ratio(found, flipped.size)}`);
} else {
  console.error('usage: label-audit-check.ts make OUT.csv [rows] [flip] [seed] | score OUT.csv LABEL-ISSUES.csv');
  process.exit(2);
}
