import type { Explanation } from './explanation.js';

/** One explained text on an explanations page, with its true label when known. */
export interface ExplainedRow {
  explanation: Explanation;
  /** The true label (a test row), shown beside the predicted one. */
  trueLabel?: string;
}

/** Options of {@link explanationsHtml}. */
export interface ExplanationsHtmlOptions {
  /** Page title. */
  title: string;
  /** One line under the title (what the rows are). */
  intro: string;
  rows: readonly ExplainedRow[];
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** Background of a word: green raises the predicted label's probability, red lowers it; |score| 0.5 or more is full strength. */
export function scoreColour(score: number): string {
  if (Math.abs(score) < 0.005) return 'transparent';
  const alpha = (0.15 + 0.85 * Math.min(1, Math.abs(score) / 0.5)).toFixed(2);
  return score > 0 ? `rgba(34, 197, 94, ${alpha})` : `rgba(239, 68, 68, ${alpha})`;
}

const fixed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;

/** The text as HTML with each explained word highlighted (its scores per class in the tooltip). */
export function highlightedHtml(explanation: Explanation): string {
  let out = '';
  let at = 0;
  for (const word of explanation.words) {
    out += escapeHtml(explanation.text.slice(at, word.start));
    const tip = Object.entries(word.scores)
      .map(([label, value]) => `${label} ${fixed(value)}`)
      .join(', ');
    const mark = Math.abs(word.score) < 0.005 ? '' : `<sub>${fixed(word.score)}</sub>`;
    out += `<span class="w" style="background:${scoreColour(word.score)}" title="${escapeHtml(tip)}">${escapeHtml(word.word)}${mark}</span>`;
    at = word.end;
  }
  return out + escapeHtml(explanation.text.slice(at));
}

const LEGEND_STEPS = [-0.5, -0.2, -0.05, 0.05, 0.2, 0.5];

/** A self-contained page (inline CSS, no scripts, no network) of explained texts with a colour legend. */
export function explanationsHtml(options: ExplanationsHtmlOptions): string {
  const legend = LEGEND_STEPS.map(
    (score) => `<span class="w" style="background:${scoreColour(score)}">${fixed(score)}</span>`,
  ).join(' ');
  const rows = options.rows.map(({ explanation, trueLabel }, index) => {
    const predicted = `${escapeHtml(explanation.label)} ${explanation.probabilities[explanation.label]!.toFixed(3)}`;
    const truth = trueLabel === undefined ? '' : `<span class="truth">true: ${escapeHtml(trueLabel)}</span>`;
    const top = [...explanation.words]
      .sort((a, b) => b.score - a.score)
      .slice(0, 3)
      .filter((word) => word.score >= 0.005);
    const check = `sum of word scores ${fixed(explanation.check.sumOfScores)}; all explained words removed at once: ${fixed(explanation.check.dropAllWords)}`;
    return `<li><div class="head">${index + 1}. predicted <b>${predicted}</b> ${truth}</div>
<p class="text">${highlightedHtml(explanation)}</p>
<div class="meta">${top.length === 0 ? 'no single word raises it' : `most support: ${top.map((word) => `${escapeHtml(word.word)} ${fixed(word.score)}`).join(', ')}`} · ${escapeHtml(explanation.coverage.note)} · ${check}</div></li>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}
h1{font-size:1.4rem;margin-bottom:.2rem} .intro{color:#444;margin-top:0}
.legend{border:1px solid #ddd;border-radius:6px;padding:.6rem .8rem;margin:1rem 0;background:#fafafa}
ol{padding-left:0;list-style:none} li{border-top:1px solid #eee;padding:.7rem 0}
.head{font-size:.95rem} .truth{color:#b91c1c;margin-left:.6rem}
.text{font-size:1.15rem;margin:.4rem 0;line-height:2.1}
.w{border-radius:4px;padding:.1rem .2rem;color:#111} .w sub{font-size:.65rem;color:#333;margin-left:.1rem}
.meta{color:#555;font-size:.85rem}
</style></head><body>
<h1>${escapeHtml(options.title)}</h1>
<p class="intro">${escapeHtml(options.intro)}</p>
<div class="legend"><b>How to read the colours.</b> Each word's number is how much the predicted label's probability falls when
that word is left out of the text (leave-one-word-out occlusion, calibrated probabilities):
<span style="background:${scoreColour(0.3)}" class="w">green</span> words support the prediction,
<span style="background:${scoreColour(-0.3)}" class="w">red</span> words pull against it; the deeper the colour, the larger the effect.
Unmarked words move it by less than 0.005. Scale: ${legend}. Hover a word for its score for every label.</div>
${rows.length === 0 ? '<p>Nothing to show: no texts.</p>' : `<ol>\n${rows.join('\n')}\n</ol>`}
</body></html>
`;
}
