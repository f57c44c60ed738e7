import { createRandom } from '@senti/base';
import { cueWordTexts } from './cue-word-data.js';

/**
 * A two-class set whose classes use disjoint cue words (`terrible` vs `excellent` among random filler; the tiny BERT
 * with mean pooling separates it) with a known share of labels flipped: the ground truth for a label audit.
 * `flipped` holds 0-based row indices.
 */
export function flippedCueWordRows(
  rows: number,
  flipShare: number,
  seed: number,
): { rows: { text: string; label: string }[]; flipped: Set<number> } {
  const { texts, labels } = cueWordTexts(rows, seed);
  const names = ['negative', 'positive'];
  const clean = texts.map((text, index) => ({ text, label: names[labels[index]!]! }));
  const random = createRandom(seed + 1);
  const order = clean.map((_, index) => index);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const flipped = new Set(order.slice(0, Math.round(rows * flipShare)));
  for (const index of flipped) clean[index]!.label = clean[index]!.label === 'negative' ? 'positive' : 'negative';
  return { rows: clean, flipped };
}
