import { describe, expect, it } from 'vitest';
import { chooseMaxLength } from './max-length-choice.js';

describe('chooseMaxLength', () => {
  it('never picks fewer than 3 tokens (what train accepts), even when every text tokenizes to [CLS] [SEP] (#28 item 13)', () => {
    expect(chooseMaxLength([2, 2, 2, 2], 'auto', 0.95, 512).maxLength).toBe(3);
    expect(chooseMaxLength([5, 7, 9], 'auto', 1, 512).maxLength).toBe(9);
  });
});
