// Large inputs report progress (issue #23 item 7): the data read, then the token lengths every 20,000 texts.
import { TINY_BERT } from '@senti/fixtures';
import { describe, expect, it } from 'vitest';
import { inspectData, type InspectEvent } from './inspect-data.js';

describe('inspectData on 45,000 rows', () => {
  it('reports reading, the rows read and token-length progress per 20,000 texts, and counts every row', async () => {
    const rows = Array.from({ length: 45_000 }, (_, index) => ({
      text: `review ${index}: ${index % 3 === 0 ? 'great' : 'dull'} film`,
      label: index % 3 === 0 ? 'pos' : 'neg',
    }));
    const events: InspectEvent[] = [];
    const inspection = await inspectData({
      data: rows,
      model: TINY_BERT,
      offline: true,
      onEvent: (event) => events.push(event),
    });
    expect(inspection.rows).toBe(45_000);
    expect(inspection.counts).toEqual([30_000, 15_000]);
    expect(events[0]).toEqual({ type: 'reading', source: 'rows' });
    expect(events[1]).toMatchObject({ type: 'read', rows: 45_000 });
    // Token lengths of the training split train makes (70%), so the suggestion is the padding length train picks.
    const total = events.at(-1)!.type === 'token-lengths' ? (events.at(-1) as { total: number }).total : 0;
    expect(total).toBeGreaterThan(31_000);
    expect(total).toBeLessThan(32_000);
    expect(events.slice(2)).toEqual([20_000, total].map((done) => ({ type: 'token-lengths', done, total })));
    expect(inspection.lengthsOf).toBe('train');
  }, 120_000);
});

describe('inspectData suggests what train picks (#28 item 24)', () => {
  it('measures the training split fineTune makes with the same seed, and says so', async () => {
    const { prepareSplits } = await import('./prepare-splits.js');
    const { resolveSettings } = await import('./settings.js');
    const { chooseMaxLength } = await import('./max-length-choice.js');
    const { loadTokenizer } = await import('@senti/tokenize');
    const rows = Array.from({ length: 300 }, (_, index) => ({
      text: `${'word '.repeat(index % 40)}${index % 2 ? 'great' : 'dull'}`,
      label: index % 2 ? 'pos' : 'neg',
    }));
    const inspection = await inspectData({ data: rows, model: TINY_BERT, offline: true });
    const splits = await prepareSplits(resolveSettings({ data: rows, model: TINY_BERT, offline: true }));
    const tokenizer = await loadTokenizer(TINY_BERT, { offline: true });
    const trained = chooseMaxLength(tokenizer.tokenLengths(splits.train.texts), 'auto', 0.95, tokenizer.modelMaxLength);
    expect(inspection.lengthsOf).toBe('train');
    expect(inspection.lengths.maxLength).toBe(trained.maxLength);
  });
});
