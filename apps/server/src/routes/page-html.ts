// The demo page served at GET /: self-contained (inline CSS and JS, no external assets).

/** The HTML of the demo page. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>senti</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d232a; background: #f5f6f8; }
  main { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  #model { color: #5b6470; font-size: .85rem; margin: 0 0 1rem; min-height: 1.2em; }
  textarea { width: 100%; box-sizing: border-box; min-height: 6rem; font: inherit; padding: .6rem;
    border: 1px solid #c5cbd3; border-radius: 6px; resize: vertical; }
  button { margin-top: .5rem; font: inherit; padding: .45rem 1.2rem; border: 0; border-radius: 6px;
    background: #2f6fde; color: white; cursor: pointer; }
  button:disabled { background: #8aa6d8; cursor: wait; }
  .hint { color: #5b6470; font-size: .8rem; margin-left: .5rem; }
  #error { color: #b3261e; margin-top: .75rem; }
  .result { background: white; border: 1px solid #dde1e6; border-radius: 6px; padding: .75rem; margin-top: .75rem; }
  .text { margin: 0 0 .5rem; overflow-wrap: anywhere; }
  .label { font-weight: 600; }
  .bar { display: grid; grid-template-columns: 8rem 1fr 4rem; gap: .5rem; align-items: center; font-size: .85rem; }
  .track { background: #e8ebef; border-radius: 4px; height: .8rem; overflow: hidden; }
  .fill { background: #2f6fde; height: 100%; }
  .top .fill { background: #1a9e55; }
  .value { text-align: right; font-variant-numeric: tabular-nums; }
  .option { font-size: .85rem; margin-left: 1rem; }
  .words { margin: .25rem 0 .6rem; font-size: 1.05rem; line-height: 2; overflow-wrap: anywhere; }
  .w { border-radius: 4px; padding: .1rem .2rem; color: #111; }
  .w sub { font-size: .65rem; color: #333; margin-left: .1rem; }
  .note { color: #5b6470; font-size: .8rem; }
  #legend { background: white; border: 1px solid #dde1e6; border-radius: 6px; padding: .5rem .75rem; margin-top: .75rem; font-size: .85rem; }
  #legend[hidden] { display: none; }
</style>
</head>
<body>
<main>
  <h1>senti</h1>
  <p id="model">loading model information...</p>
  <label for="texts">One sentence per line</label>
  <textarea id="texts" placeholder="The service was excellent."></textarea>
  <button id="predict" type="button">Predict</button><span class="hint">Ctrl+Enter</span>
  <label class="option"><input id="explain" type="checkbox" checked> show the words behind each prediction</label>
  <div id="error" role="alert"></div>
  <div id="legend" hidden><b>How to read the colours.</b> A word's number is how much the predicted label's probability
    falls when that word is left out (leave-one-word-out, calibrated):
    <span class="w" style="background: rgba(34, 197, 94, 0.66)">green</span> words support the prediction,
    <span class="w" style="background: rgba(239, 68, 68, 0.66)">red</span> words pull against it; deeper colour, larger effect.
    Unmarked words move it by less than 0.005. Scale: <span id="scale"></span></div>
  <div id="results" aria-live="polite"></div>
</main>
<script>
  const $ = (id) => document.getElementById(id);
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  fetch('/v1/model').then((r) => r.json()).then((info) => {
    if (info.error) throw new Error(info.error.message);
    $('model').textContent = 'model ' + info.id + ' · ' + info.encoder.model + ' (' + info.encoder.dtype + ') · labels: ' + info.labels.join(', ');
  }).catch((e) => { $('model').textContent = 'model not available: ' + e.message; });

  // Green raises the predicted label's probability, red lowers it; |score| 0.5 or more is full strength.
  const colour = (score) => {
    if (Math.abs(score) < 0.005) return 'transparent';
    const alpha = (0.15 + 0.85 * Math.min(1, Math.abs(score) / 0.5)).toFixed(2);
    return score > 0 ? 'rgba(34, 197, 94, ' + alpha + ')' : 'rgba(239, 68, 68, ' + alpha + ')';
  };
  const signed = (score) => (score >= 0 ? '+' : '\u2212') + Math.abs(score).toFixed(2);
  const mark = (word, score) => {
    const span = el('span', 'w', word);
    span.style.background = colour(score);
    if (Math.abs(score) >= 0.005) span.append(el('sub', '', signed(score)));
    return span;
  };
  $('scale').append(...[-0.5, -0.2, -0.05, 0.05, 0.2, 0.5].flatMap((score) => {
    const swatch = el('span', 'w', signed(score));
    swatch.style.background = colour(score);
    return [swatch, ' '];
  }));

  function words(text, explanation) {
    const line = el('p', 'words');
    let at = 0;
    for (const word of explanation.words) {
      line.append(text.slice(at, word.start));
      const span = mark(word.word, word.score);
      span.title = Object.entries(word.scores).map(([name, value]) => name + ' ' + signed(value)).join(', ');
      line.append(span);
      at = word.end;
    }
    line.append(text.slice(at));
    return line;
  }

  function render(texts, predictions) {
    const results = $('results');
    results.replaceChildren();
    $('legend').hidden = !predictions.some((prediction) => prediction.explanation);
    predictions.forEach((prediction, i) => {
      const box = el('div', 'result');
      box.dataset.label = prediction.label ?? '(abstained)';
      const line = el('p', 'text');
      line.append(el('span', 'label', prediction.label ?? '(abstained)'), ' (' + (prediction.score * 100).toFixed(1) + '%) — ' + texts[i]);
      box.append(line);
      if (prediction.explanation) {
        box.append(words(texts[i], prediction.explanation));
        box.append(el('p', 'note', prediction.explanation.coverage.note));
      }
      for (const [name, p] of Object.entries(prediction.probabilities)) {
        const row = el('div', name === prediction.label ? 'bar top' : 'bar');
        const track = el('div', 'track');
        const fill = el('div', 'fill');
        fill.style.width = (p * 100).toFixed(1) + '%';
        track.append(fill);
        row.append(el('span', 'name', name), track, el('span', 'value', p.toFixed(3)));
        box.append(row);
      }
      results.append(box);
    });
  }

  async function predict() {
    const texts = $('texts').value.split('\\n').map((t) => t.trim()).filter((t) => t !== '');
    $('error').textContent = '';
    if (texts.length === 0) { $('error').textContent = 'Type a sentence first.'; return; }
    $('predict').disabled = true;
    try {
      const response = await fetch('/v1/predict', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify($('explain').checked ? { texts, explain: true } : { texts }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error ? body.error.message : 'HTTP ' + response.status);
      render(texts, body.predictions);
    } catch (e) {
      $('error').textContent = e.message;
    } finally {
      $('predict').disabled = false;
    }
  }
  $('predict').addEventListener('click', predict);
  $('texts').addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) predict(); });
</script>
</body>
</html>
`;
