/** Sentences of varied length the benchmark sends (reviews in the style of the UCI sentiment data). */
export const SENTENCES: readonly string[] = [
  'The food was great.',
  'Worst service I have ever had, and the waiter was rude about it.',
  'I loved this phone.',
  'The battery dies after an hour, which makes the whole thing useless for travel.',
  'Not bad.',
  'Highly recommended to anyone who likes a quiet place with friendly staff and good coffee.',
  'It broke on the second day.',
  'The plot was thin but the acting saved it.',
  'Absolutely terrible.',
  'Great value for the money, works exactly as described.',
  'I will never come back here again.',
  'The sound quality is superb and the headset is comfortable even after hours of use.',
  'Meh.',
  'Delivery was fast and the packaging was neat.',
  'The movie dragged on for far too long and the ending made no sense at all.',
  'Five stars!',
];
