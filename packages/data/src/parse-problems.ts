/** The part of papaparse's API used here (`@types/papaparse` is not a dependency). */
interface Papa {
  parse(input: string, config: Record<string, unknown>): { errors: { code: string; message: string; row?: number }[] };
}

/** One parse problem with the 1-based data row it is in (the header is not a data row), when known. */
export interface ParseProblem {
  message: string;
  row: number | undefined;
}

/**
 * Parses the text again with papaparse alone (danfojs' own error carries no row numbers) and lists the first
 * problems, each with its data row, so a message can say where the file goes wrong.
 */
export async function parseProblems(text: string, delimiter: string, limit = 3): Promise<ParseProblem[]> {
  // A variable specifier: papaparse ships no types, and packages that compile this file from source (through the
  // `source` condition) would not see a local declaration for it.
  const specifier = 'papaparse';
  const module = (await import(specifier)) as { default?: Papa } & Papa;
  const papa = typeof module.default?.parse === 'function' ? module.default : module;
  const seen = new Set<string>();
  const { errors } = papa.parse(text, {
    header: true,
    delimiter,
    dynamicTyping: false,
    skipEmptyLines: 'greedy',
    transformHeader: (name: string, index: number) => {
      const unique = seen.has(name) ? `${name}\u0000${index}` : name;
      seen.add(name);
      return unique;
    },
  });
  return errors
    .slice(0, limit)
    .map((error) => ({ message: error.message, row: error.row === undefined ? undefined : error.row + 1 }));
}
