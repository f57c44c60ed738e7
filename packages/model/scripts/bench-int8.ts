// Per-token int8 vs dynamic q8 vs fp32 on a BERT-base-shaped model: speed (interleaved chunks, same run), cosine to
// fp32 and batch invariance. Usage: npx tsx --conditions=source scripts/bench-int8.ts [MODEL_DIR] [CSV] [COUNT]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEncoder, type Dtype, type Encoder } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const model = process.argv[2] ?? '/tmp/bert-base-random';
const csv = process.argv[3] ?? path.resolve(here, '../../../../shared/datasets/sst2-train.csv');
const count = Number(process.argv[4] ?? 2000);
const maxLength = 64;
const batchSize = 32;
const texts = (await readFile(csv, 'utf8'))
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .slice(0, count)
  .map((line) => {
    const comma = line.lastIndexOf(',');
    return line.slice(0, comma).replace(/^"|"$/g, '').replace(/""/g, '"');
  });
const dtypes: Dtype[] = ['q8', 'int8', 'fp32'];
const encoders = new Map<Dtype, Encoder>();
for (const dtype of dtypes) {
  const start = performance.now();
  encoders.set(dtype, await loadEncoder({ model, dtype, device: 'cpu', offline: true, pooling: 'mean' }));
  console.log(`loaded ${dtype} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}
for (const encoder of encoders.values()) await encoder.encode(texts.slice(0, batchSize), { maxLength, batchSize });
const chunks = 8;
const seconds = new Map<Dtype, number>(dtypes.map((d) => [d, 0]));
const features = new Map<Dtype, Float32Array[]>(dtypes.map((d) => [d, []]));
for (let c = 0; c < chunks; c++) {
  const part = texts.slice(Math.floor((c * texts.length) / chunks), Math.floor(((c + 1) * texts.length) / chunks));
  for (const dtype of c % 2 ? [...dtypes].reverse() : dtypes) {
    const start = performance.now();
    features.get(dtype)!.push(await encoders.get(dtype)!.encode(part, { maxLength, batchSize }));
    seconds.set(dtype, seconds.get(dtype)! + (performance.now() - start) / 1000);
  }
}
const joined = (dtype: Dtype): Float32Array => {
  const parts = features.get(dtype)!;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};
const hidden = encoders.get('fp32')!.info.hiddenSize;
const cosines = (a: Float32Array, b: Float32Array): number[] =>
  texts.map((_, r) => {
    let dot = 0,
      na = 0,
      nb = 0;
    for (let h = r * hidden; h < (r + 1) * hidden; h++) {
      dot += a[h]! * b[h]!;
      na += a[h]! ** 2;
      nb += b[h]! ** 2;
    }
    return dot / Math.sqrt(na * nb);
  });
const fp32 = joined('fp32');
for (const dtype of dtypes) {
  const cs = cosines(joined(dtype), fp32);
  const rate = texts.length / seconds.get(dtype)!;
  console.log(
    `${dtype.padEnd(5)} ${rate.toFixed(1).padStart(7)} sentences/s (${seconds.get(dtype)!.toFixed(1)} s)  cosine to fp32: mean ${(cs.reduce((s, v) => s + v, 0) / cs.length).toFixed(5)}, min ${cs.reduce((least, value) => Math.min(least, value), Infinity).toFixed(5)}`,
  );
}
// Invariance: the first 16 texts one at a time vs inside their batch of the big run.
for (const dtype of ['int8', 'q8'] as Dtype[]) {
  const all = joined(dtype);
  let max = 0;
  for (let r = 0; r < 16; r++) {
    const alone = await encoders.get(dtype)!.encode([texts[r]!], { maxLength, batchSize: 1 });
    for (let h = 0; h < hidden; h++) max = Math.max(max, Math.abs(alone[h]! - all[r * hidden + h]!));
  }
  console.log(`${dtype}: max |alone - in batch| over 16 texts = ${max.toExponential(2)}`);
}
for (const encoder of encoders.values()) await encoder.dispose();
