import { readFile } from 'node:fs/promises';

/** Reads the `sentence` column of a CSV file (RFC 4180 quoting), first `limit` rows. */
export async function readSentences(file: string, limit: number): Promise<string[]> {
  const rows = parseCsv(await readFile(file, 'utf8'));
  const header = rows.shift() ?? [];
  const column = header.indexOf('sentence') >= 0 ? header.indexOf('sentence') : header.indexOf('text');
  if (column < 0) throw new Error(`${file}: no "sentence" or "text" column; columns are: ${header.join(', ')}`);
  return rows.map((row) => row[column] ?? '').filter((text) => text.trim() !== '').slice(0, limit);
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') { row.push(field); field = ''; }
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}
