/** One word of a text as the user wrote it, with its character offsets into that text. */
export interface WordSpan {
  /** The word, exactly as written. */
  word: string;
  /** Offset of its first character (UTF-16 code units, as `String.prototype.slice` counts). */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

// Ideographic scripts have no spaces between words; BERT tokenizers split them into single characters, so do we.
const IDEOGRAPH = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;
const LETTER = String.raw`(?:(?![${IDEOGRAPH}])[\p{L}\p{N}\p{M}])`;
/** Letters and digits (an inner apostrophe keeps "don't" whole); punctuation, symbols and spaces delimit words. */
const WORD = new RegExp(String.raw`[${IDEOGRAPH}]|${LETTER}+(?:['’]${LETTER}+)*`, 'gu');

/** The word pattern's source (flags `gu`), for pages that split words in the browser exactly as `splitWords` does. */
export const WORD_PATTERN = WORD.source;

/** The words of a text: runs of letters and digits between spaces and punctuation, with their offsets. */
export function splitWords(text: string): WordSpan[] {
  return [...text.matchAll(WORD)].map((match) => ({
    word: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** `text` with the given words cut out (their delimiters stay, so no two words join). */
export function withoutWords(text: string, words: readonly WordSpan[]): string {
  const sorted = [...words].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const word of sorted) {
    out += text.slice(at, word.start);
    at = word.end;
  }
  return out + text.slice(at);
}
