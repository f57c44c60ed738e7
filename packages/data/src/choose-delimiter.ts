import { extname } from 'node:path';
import { DataError, quote } from '@senti/errors';

/** Delimiters a data file may use, with names for messages. */
export const DELIMITER_NAMES: Readonly<Record<string, string>> = {
  ',': 'comma',
  '\t': 'tab',
  ';': 'semicolon',
  '|': 'pipe',
};

/** How the delimiter of a file was decided. */
export interface DelimiterChoice {
  delimiter: string;
  /** `extension` (.csv -> comma, .tsv -> tab), `sniffed` (the header uses only another delimiter) or `option`. */
  source: 'extension' | 'sniffed' | 'option';
  /** The extension's delimiter (`.tsv` tab, otherwise comma). */
  byExtension: string;
}

/** Counts of each candidate delimiter in the first record (the header), outside double quotes. */
export function headerDelimiterCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>(Object.keys(DELIMITER_NAMES).map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && (character === '\n' || character === '\r')) break;
    else if (!quoted && counts.has(character)) counts.set(character, counts.get(character)! + 1);
  }
  return counts;
}

/**
 * The delimiter: the option, else the extension's (`.tsv` tab, otherwise comma), unless the header does not contain
 * it and contains exactly one other candidate (`;`, tab, `|`, `,`), which is then used: unambiguous, so accepted.
 */
export function chooseDelimiter(path: string, text: string, option?: string): DelimiterChoice {
  const byExtension = extname(path).toLowerCase() === '.tsv' ? '\t' : ',';
  if (option !== undefined) {
    if (option.length !== 1 || option === '"' || option === '\n' || option === '\r') {
      throw new DataError(
        'DATA_BAD_DELIMITER',
        `delimiter ${quote(option)} is not usable; expected one character such as , ; | or a tab`,
        'usage',
      );
    }
    return { delimiter: option, source: 'option', byExtension };
  }
  const counts = headerDelimiterCounts(text);
  if (counts.get(byExtension)! > 0) return { delimiter: byExtension, source: 'extension', byExtension };
  const others = [...counts].filter(([, count]) => count > 0).map(([delimiter]) => delimiter);
  if (others.length === 1) return { delimiter: others[0]!, source: 'sniffed', byExtension };
  if (others.length > 1) {
    throw new DataError(
      'DATA_BAD_DELIMITER',
      `the header of ${quote(path)} has no ${DELIMITER_NAMES[byExtension]} but ${others.map((d) => DELIMITER_NAMES[d]).join(' and ')} characters; cannot tell which separates columns`,
      'input',
      { hint: 'pass the delimiter (e.g. `delimiter: ";"`), or save the file with commas' },
    );
  }
  return { delimiter: byExtension, source: 'extension', byExtension };
}
