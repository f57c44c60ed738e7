// Large inputs report progress (issue #23 item 7): the data read, then the token lengths every 20,000 texts.
import { TINY_BERT } from '@senti/fixtures';
import { describe, expect, it } from 'vitest';
import { inspectData, type InspectEvent } from './inspect-data.js';

describe('inspectData on 45,000 rows', () => {
  it('reports reading, the rows read and token-length progress per 20,000 texts, and counts every row', async () => {
    const rows = Array.from({ length: 45_000 }, (_, index) => ({ text: `review ${index}: ${index % 3 === 0 ? 'great' : 'dull'} film`, label: index % 3 === 0 ? 'pos' : 'neg' }));
    const events: InspectEvent[] = [];
    const inspection = await inspectData({ data: rows, model: TINY_BERT, offline: true, onEvent: (event) => events.push(event) });
    expect(inspection.rows).toBe(45_000);
    expect(inspection.counts).toEqual([30_000, 15_000]);
    expect(events[0]).toEqual({ type: 'reading', source: 'rows' });
    expect(events[1]).toMatchObject({ type: 'read', rows: 45_000 });
    expect(events.slice(2)).toEqual([20_000, 40_000, 45_000].map((done) => ({ type: 'token-lengths', done, total: 45_000 })));
  }, 120_000);
});
