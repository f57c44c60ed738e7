// The part of papaparse's API parse-problems.ts uses (`@types/papaparse` is not a dependency).
declare module 'papaparse' {
  const papa: unknown;
  export default papa;
}
