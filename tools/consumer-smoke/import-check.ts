// Runs in the consumer project, from the installed tarballs: every package imports and exports something, a CSV
// loads through the bundled danfojs, the tiny encoder encodes two sentences, and a tfjs backend activates without
// the native tfjs-node binding. Paths are relative to the project (its fixtures/ is the repository's).
const names = ['errors', 'base', 'metrics', 'data', 'tokenize', 'model', 'train', 'queue'];
for (const name of names) {
  const module = await import(`@senti/${name}`);
  const count = Object.keys(module).length;
  if (count === 0) throw new Error(`@senti/${name} exports nothing`);
  console.log(`@senti/${name}: ${count} exports`);
}
const { loadDataset } = await import('@senti/data');
const dataset = await loadDataset('fixtures/uci-sentences.csv');
if (dataset.texts.length !== dataset.labels.length || dataset.texts.length < 100)
  throw new Error(`unexpected dataset: ${dataset.texts.length} texts`);
console.log(
  `@senti/data: fixtures/uci-sentences.csv -> ${dataset.texts.length} rows, labels ${dataset.labelNames.join(', ')}`,
);

const { loadEncoder, selectBackend } = await import('@senti/model');
const encoder = await loadEncoder({ model: 'fixtures/tiny-bert', dtype: 'fp32', offline: true });
const features = await encoder.encode(['what a great film', 'dull and far too long'], { maxLength: 16 });
await encoder.dispose();
if (features.length !== 2 * encoder.info.hiddenSize || !features.every(Number.isFinite))
  throw new Error('the tiny encoder returned unexpected features');
console.log(`@senti/model: tiny encoder -> 2 x ${encoder.info.hiddenSize} features`);
const backend = await selectBackend({ device: 'cpu' });
console.log(`@senti/model: tfjs backend ${backend.name}`);
