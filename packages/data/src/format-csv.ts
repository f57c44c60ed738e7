/** A CSV cell: strings are quoted when needed, numbers written as JavaScript prints them. */
export type CsvCell = string | number | boolean | null | undefined;

/** Quotes a cell the RFC 4180 way when it holds a comma, quote, or line break (or leading/trailing spaces). */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Formats a header and rows as CSV text ending in a newline (the one CSV writer of senti). */
export function formatCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}
