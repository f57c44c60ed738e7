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
  const table = await readTable(second);
  const rowColumn = table.columns.indexOf('row');
  const flagged = table.rows.map((row) => Number(row[rowColumn]));
  const found = flagged.filter((row) => flipped.has(row)).length;
  console.log(`flagged ${flagged.length}, of them flipped ${found}; flips ${flipped.size}: precision ${(found / flagged.length).toFixed(3)}, recall ${(found / flipped.size).toFixed(3)}`);
} else {
  console.error('usage: label-audit-check.ts make OUT.csv [rows] [flip] [seed] | score OUT.csv LABEL-ISSUES.csv');
  process.exit(2);
}
