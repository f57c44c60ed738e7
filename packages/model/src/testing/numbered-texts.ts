/** `count` distinct short texts, the same on every call (the kill test's child and parent must agree on them). */
export function numberedTexts(count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `review ${index}: ${index % 2 === 0 ? 'a lovely film' : 'a dull film'} number ${index * 7}`,
  );
}
