import { describe, expect, it } from 'vitest';
import { classWeights, loadDataset, pick, stratifiedSplit } from './index.js';

// fixtures/uci-sentences.csv is a copy of ../shared/datasets/uci-sentences.csv (the tutorial's data).
const UCI = new URL('../../../fixtures/uci-sentences.csv', import.meta.url).pathname;

describe('the tutorial dataset', () => {
  it('loads 2990 rows, 17 of them exact duplicates', async () => {
    const all = await loadDataset(UCI, { dropDuplicates: false });
    expect(all.texts).toHaveLength(2990);
    expect(all.labelNames).toEqual(['0', '1']);
    expect(all.texts[1]).toBe('"Good case, Excellent value."');
    const deduplicated = await loadDataset(UCI);
    expect(deduplicated.summary).toMatchObject({
      rowsRead: 2990,
      duplicatesDropped: 17,
      conflictingDuplicates: 0,
      rowsKept: 2973,
    });
  });

  it('splits 2093/448/449 with the reference per-class counts and class weights', async () => {
    const data = await loadDataset(UCI, { dropDuplicates: false });
    const split = stratifiedSplit(data.labels, { seed: 2021 });
    const counts = [split.train, split.val, split.test].map((rows) => {
      const labels = pick(data.labels, rows);
      return [labels.filter((label) => label === 0).length, labels.filter((label) => label === 1).length];
    });
    expect([split.train.length, split.val.length, split.test.length]).toEqual([2093, 448, 449]);
    expect(counts).toEqual([
      [1047, 1046],
      [224, 224],
      [225, 224],
    ]);
    expect(classWeights(pick(data.labels, split.train), 2)).toEqual([0.9995224450811844, 1.0004780114722753]);
  });
});
